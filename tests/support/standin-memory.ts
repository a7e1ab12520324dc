/**
 * The memory in front of Prism: what makes the Appwrite stand-in explain itself and answer with
 * what was sent, instead of the spec's unrelated examples.
 *
 * Every request still goes to Prism first, so the spec decides what is valid and what an answer
 * looks like. Then:
 * - A request Prism rejects (400 with an `sl-violations` header) is answered the way Appwrite
 *   answers it: `Invalid \`email\` param: Value must be a valid email address`, type
 *   `general_argument_invalid`; the rule is derived from the parameter's schema in the spec.
 * - Created users, uploaded files (their bytes and name) and TablesDB rows are remembered for the
 *   life of the stand-in: reading, listing, updating, downloading and deleting them answers from
 *   memory, like an empty Appwrite project that has had just these things created in it.
 * Anything never created here keeps Prism's answer (the spec's example).
 */
import { randomBytes } from 'node:crypto';
import {
	createServer,
	request,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';

import { appwriteTime, ListQueryError, listRecords, type ListedRow } from './appwrite-lists';

type Json = any; // the spec is untyped JSON

export interface Answer {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

export interface ForwardedRequest {
	method: string;
	/** Path and query, e.g. `/v1/users?queries[0]=…`. */
	url: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

interface Violation {
	location?: string[];
	code?: string;
	message?: string;
	severity?: string;
}

/** `{message, code, type, version}`, as every Appwrite error body. */
function appwriteError(status: number, type: string, message: string, version: string): Answer {
	return json(status, { message, code: status, type, version });
}

function json(status: number, value: unknown): Answer {
	return {
		status,
		headers: { 'content-type': 'application/json' },
		body: Buffer.from(JSON.stringify(value)),
	};
}

/** An ID like the ones Appwrite generates (`ID.unique()`: hex time + random). */
function uniqueId(): string {
	return Date.now().toString(16) + randomBytes(4).toString('hex').slice(0, 7);
}

/** The ID a create call asks for: its own, or a generated one for `unique()`/empty. */
function wantedId(value: unknown): string {
	return typeof value === 'string' && value !== '' && value !== 'unique()' ? value : uniqueId();
}

/**
 * The description Appwrite's validator gives for a parameter, from its schema in the spec
 * (Appwrite's Email, URL, WhiteList, Text, Integer, Boolean and ArrayList validators).
 */
export function ruleOf(schema: Json): string {
	if (!schema || typeof schema !== 'object') return 'Value is invalid';
	if (schema.format === 'email') return 'Value must be a valid email address';
	if (schema.format === 'url') return 'Value must be a valid URL';
	if (schema.format === 'phone')
		return "Phone number must start with a '+' can have a maximum of fifteen digits.";
	if (Array.isArray(schema.enum)) return `Value must be one of (${schema.enum.join(', ')})`;
	switch (schema.type) {
		case 'integer':
		case 'number':
			return schema.minimum !== undefined && schema.maximum !== undefined
				? `Value must be a valid range between ${schema.minimum} and ${schema.maximum}`
				: `Value must be a valid ${schema.type === 'integer' ? 'integer' : 'number'}`;
		case 'boolean':
			return 'Value must be a valid boolean';
		case 'array':
			return 'Value must a valid array no longer than 100 items'; // sic, Appwrite's wording
		case 'object':
			return 'Value must be a valid object';
		default:
			return 'Value must be a valid string';
	}
}

/** The operation of `spec` that serves `method` + `path` (the spec's paths already carry /v1). */
export function findOperation(spec: Json, method: string, path: string): Json | undefined {
	const segments = path.split('/');
	for (const [template, item] of Object.entries<Json>(spec.paths ?? {})) {
		const parts = template.split('/');
		if (parts.length !== segments.length) continue;
		if (parts.every((part, i) => part.startsWith('{') || part === segments[i])) {
			const op = item[method.toLowerCase()];
			if (op) return op;
		}
	}
	return undefined;
}

function schemaOf(op: Json, where: string, name: string): Json | undefined {
	if (where === 'body') {
		const content = op?.requestBody?.content ?? {};
		for (const media of Object.values<Json>(content)) {
			const property = media?.schema?.properties?.[name];
			if (property) return property;
		}
		return undefined;
	}
	return (op?.parameters ?? []).find((p: Json) => p.in === where && p.name === name)?.schema;
}

/**
 * Prism's violations (the `sl-violations` header) as Appwrite's message for the first one:
 * a missing parameter is "not optional", a wrong one gets the rule of its validator.
 */
export function explainViolations(
	spec: Json,
	method: string,
	path: string,
	violations: Violation[],
): string | undefined {
	const op = findOperation(spec, method, path);
	for (const violation of violations.filter(
		(v) => v.severity === undefined || v.severity === 'Error',
	)) {
		const location = violation.location ?? [];
		const [where, ...rest] = location[0] === 'request' ? location.slice(1) : location; // Prism: ["request", "body", "email"]
		if (!['body', 'query', 'path'].includes(where)) continue;
		const missing = /required property '([^']+)'/.exec(violation.message ?? '');
		if (violation.code === 'required' && missing) return `Param "${missing[1]}" is not optional.`;
		const name = rest[0]?.replace(/\[\]$/, '');
		if (!name) continue;
		return `Invalid \`${name}\` param: ${ruleOf(schemaOf(op, where, name))}`;
	}
	return undefined;
}

interface StoredFile {
	meta: Record<string, unknown>;
	bytes: Buffer;
}

interface FilePart {
	filename?: string;
	contentType?: string;
	bytes: Buffer;
}

/** The parts of a multipart/form-data body by name (a file part keeps its name and type). */
export function multipartFields(contentType: string, body: Buffer): Map<string, FilePart> {
	const fields = new Map<string, FilePart>();
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!boundary) return fields;
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	let start = body.indexOf(delimiter);
	while (start !== -1) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		const part = body.subarray(start + delimiter.length + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const head = part.subarray(0, headerEnd).toString('utf8');
			const name = /name="([^"]*)"/.exec(head)?.[1];
			if (name !== undefined) {
				fields.set(name, {
					filename: /filename="([^"]*)"/.exec(head)?.[1],
					contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim(),
					bytes: part.subarray(headerEnd + 4),
				});
			}
		}
		start = next;
	}
	return fields;
}

function parseJson(body: Buffer): Record<string, unknown> {
	try {
		const value = JSON.parse(body.toString('utf8')) as unknown;
		return value && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: {};
	} catch {
		return {};
	}
}

/** `queries[]=…` / `queries[0]=…` / `queries=…` values of a query string. */
function queriesOf(query: URLSearchParams): string[] {
	return [...query.entries()]
		.filter(([name]) => /^queries(\[\d*\])?$/.test(name))
		.map(([, value]) => value);
}

/** The filters of `queries` only: what Appwrite's `total` counts (before limit, offset and cursor). */
function filtersOnly(queries: string[]): string[] {
	return queries.filter((q) => !/"method":"(limit|offset|cursorAfter|cursorBefore)"/.test(q));
}

/** Every record `queries` select, ignoring limit, offset and cursors (what Appwrite's `total` counts); undefined for a query this memory cannot evaluate. */
function matchingAll(records: ListedRow[], queries: string[]): ListedRow[] | undefined {
	try {
		return listRecords(records, [...filtersOnly(queries), '{"method":"limit","values":[1000000]}']);
	} catch {
		return undefined;
	}
}

/**
 * An Appwrite list answer (`{ total, <key>: [...] }`) from remembered records; undefined, so that
 * Prism's example answers, for queries this memory cannot evaluate (e.g. `search`, `select`).
 */
function listed(key: string, records: ListedRow[], queries: string[]): Answer | undefined {
	const all = matchingAll(records, queries);
	if (!all) return undefined;
	try {
		return json(200, { total: all.length, [key]: listRecords(records, queries) });
	} catch (failure) {
		if (failure instanceof ListQueryError) return undefined;
		throw failure;
	}
}

const USER_FIELDS = [
	'name',
	'email',
	'phone',
	'status',
	'labels',
	'emailVerification',
	'phoneVerification',
] as const;

/** The remembered state and how it changes an answer of Prism's. */
export class StandInMemory {
	readonly users = new Map<string, Record<string, unknown>>();
	readonly files = new Map<string, StoredFile>();
	/** `<databaseId>/<tableId>` → rows in creation order. */
	readonly rows = new Map<string, ListedRow[]>();
	private sequence = 0;

	/** What was deleted here: reading it again is a 404, as in Appwrite (`users/<id>`, `files/<bucket>/<id>`, `rows/<db>/<table>/<id>`). */
	private readonly deleted = new Set<string>();

	/** `remember: false` keeps only the explanations (every success is Prism's example). */
	constructor(
		private readonly spec: Json,
		private readonly remember = true,
		private readonly version = String(spec.info?.version ?? '1.8.1'),
	) {}

	/** The answer to send for `req`, given what Prism answered. */
	answer(req: ForwardedRequest, prism: Answer): Answer {
		const url = new URL(req.url, 'http://standin');
		const path = url.pathname;
		if (prism.status === 400 && prism.headers['sl-violations']) {
			let violations: Violation[] = [];
			try {
				violations = JSON.parse(prism.headers['sl-violations']) as Violation[];
			} catch {
				/* not JSON: keep Prism's answer */
			}
			const message = explainViolations(this.spec, req.method, path, violations);
			return message
				? appwriteError(400, 'general_argument_invalid', message, this.version)
				: prism;
		}
		if (prism.status < 200 || prism.status >= 300 || !this.remember) return prism;
		return this.remembered(req, path, url.searchParams, prism) ?? prism;
	}

	private notFound(kind: 'user' | 'storage_file' | 'row'): Answer {
		const what = { user: 'User', storage_file: 'File', row: 'Row' }[kind];
		return appwriteError(
			404,
			`${kind}_not_found`,
			`${what} with the requested ID could not be found.`,
			this.version,
		);
	}

	private remembered(
		req: ForwardedRequest,
		path: string,
		query: URLSearchParams,
		prism: Answer,
	): Answer | undefined {
		const method = req.method;
		let match: RegExpExecArray | null;
		if (
			(match = /^\/v1\/users(?:\/(argon2|bcrypt|md5|phpass|scrypt|scrypt-modified|sha))?$/.exec(
				path,
			))
		) {
			if (method === 'POST') return this.createUser(parseJson(req.body), prism);
			if (method === 'GET' && !match[1] && this.users.size > 0) return this.listUsers(query);
			return undefined;
		}
		if ((match = /^\/v1\/users\/([^/]+)(\/.+)?$/.exec(path))) {
			const userId = decodeURIComponent(match[1]);
			const user = this.users.get(userId);
			if (!user) return this.deleted.has(`users/${userId}`) ? this.notFound('user') : undefined;
			const sub = match[2];
			if (!sub && method === 'GET') return json(200, user);
			if (!sub && method === 'DELETE') {
				this.users.delete(userId);
				this.deleted.add(`users/${userId}`);
				return undefined;
			}
			if (
				!sub ||
				method !== 'PATCH' ||
				!/^\/(name|email|phone|status|labels|password|verification(\/phone)?|mfa|prefs)$/.test(sub)
			)
				return undefined;
			const body = parseJson(req.body);
			if (sub === '/prefs') {
				user.prefs = body.prefs;
				return json(200, body.prefs); // updatePrefs answers with the preferences only
			}
			// name, email, phone, status, labels, verification, password…: Appwrite answers with the user
			for (const field of USER_FIELDS) if (field in body) user[field] = body[field];
			user.$updatedAt = appwriteTime(Date.now());
			return json(200, user);
		}
		if (
			(match = /^\/v1\/storage\/buckets\/([^/]+)\/files(?:\/([^/]+))?(?:\/(download|view))?$/.exec(
				path,
			))
		) {
			return this.fileRoute(
				req,
				decodeURIComponent(match[1]),
				match[2] && decodeURIComponent(match[2]),
				match[3],
				query,
				prism,
			);
		}
		if ((match = /^\/v1\/tablesdb\/([^/]+)\/tables\/([^/]+)\/rows(?:\/([^/]+))?$/.exec(path))) {
			const key = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
			return this.rowRoute(req, key, match[3] && decodeURIComponent(match[3]), query);
		}
		return undefined;
	}

	private createUser(body: Record<string, unknown>, prism: Answer): Answer {
		const $id = wantedId(body.userId);
		const taken = [...this.users.values()].some(
			(u) =>
				u.$id === $id ||
				(body.email && u.email === body.email) ||
				(body.phone && u.phone === body.phone),
		);
		if (taken) {
			return appwriteError(
				409,
				'user_already_exists',
				'A user with the same id, email, or phone already exists in this project.',
				this.version,
			);
		}
		const now = appwriteTime(Date.now());
		const user = {
			...parseJson(prism.body),
			$id,
			$createdAt: now,
			$updatedAt: now,
			name: body.name ?? '',
			email: body.email ?? '',
			phone: body.phone ?? '',
			labels: [],
		};
		this.users.set($id, user);
		this.deleted.delete(`users/${$id}`);
		return json(201, user);
	}

	private listUsers(query: URLSearchParams): Answer | undefined {
		const search = (query.get('search') ?? '').toLowerCase();
		const all = [...this.users.values()] as ListedRow[];
		const found = search
			? all.filter((u) =>
					['name', 'email', 'phone', '$id'].some((k) =>
						String(u[k] ?? '')
							.toLowerCase()
							.includes(search),
					),
				)
			: all;
		return listed('users', found, queriesOf(query));
	}

	private fileRoute(
		req: ForwardedRequest,
		bucketId: string,
		fileId: string | undefined,
		action: string | undefined,
		query: URLSearchParams,
		prism: Answer,
	): Answer | undefined {
		if (!fileId) {
			if (req.method === 'POST') return this.upload(req, bucketId, prism);
			const inBucket = [...this.files.values()]
				.filter((f) => f.meta.bucketId === bucketId)
				.map((f) => f.meta as ListedRow);
			return req.method === 'GET' && inBucket.length > 0
				? listed('files', inBucket, queriesOf(query))
				: undefined;
		}
		const key = `${bucketId}/${fileId}`;
		const file = this.files.get(key);
		if (!file) return this.deleted.has(`files/${key}`) ? this.notFound('storage_file') : undefined;
		if (action && req.method === 'GET') {
			const disposition = action === 'download' ? 'attachment' : 'inline';
			return {
				status: 200,
				headers: {
					'content-type': String(file.meta.mimeType),
					'content-disposition': `${disposition}; filename="${String(file.meta.name).replace(/"/g, '')}"`,
					'content-length': String(file.bytes.length),
				},
				body: file.bytes,
			};
		}
		if (req.method === 'GET') return json(200, file.meta);
		if (req.method === 'PUT') {
			const body = parseJson(req.body);
			if (typeof body.name === 'string' && body.name) file.meta.name = body.name;
			file.meta.$updatedAt = appwriteTime(Date.now());
			return json(200, file.meta);
		}
		if (req.method === 'DELETE') {
			this.files.delete(key);
			this.deleted.add(`files/${key}`);
		}
		return undefined;
	}

	/** One upload call: the whole file, or one chunk of a chunked upload (`content-range`, `x-appwrite-id`). */
	private upload(req: ForwardedRequest, bucketId: string, prism: Answer): Answer | undefined {
		const fields = multipartFields(String(req.headers['content-type'] ?? ''), req.body);
		const part = fields.get('file');
		if (!part) return undefined;
		const range = /bytes (\d+)-(\d+)\/(\d+)/.exec(String(req.headers['content-range'] ?? ''));
		const continued = req.headers['x-appwrite-id'];
		const fileId =
			typeof continued === 'string' && continued
				? continued
				: wantedId(fields.get('fileId')?.bytes.toString('utf8'));
		const key = `${bucketId}/${fileId}`;
		const earlier = range && Number(range[1]) > 0 ? this.files.get(key) : undefined;
		const bytes = earlier ? Buffer.concat([earlier.bytes, part.bytes]) : part.bytes;
		const total = range ? Number(range[3]) : bytes.length;
		const now = appwriteTime(Date.now());
		const chunkSize = 5 * 1024 * 1024;
		const meta = {
			...(earlier?.meta ?? parseJson(prism.body)),
			$id: fileId,
			bucketId,
			$createdAt: earlier?.meta.$createdAt ?? now,
			$updatedAt: now,
			name: part.filename ?? fileId,
			mimeType:
				part.contentType && part.contentType !== 'application/octet-stream'
					? part.contentType
					: mimeTypeOf(part.filename),
			sizeOriginal: total,
			chunksTotal: Math.max(1, Math.ceil(total / chunkSize)),
			chunksUploaded: Math.max(1, Math.ceil(bytes.length / chunkSize)),
		};
		this.files.set(key, { meta, bytes });
		this.deleted.delete(`files/${key}`);
		return json(201, meta);
	}

	private rowRoute(
		req: ForwardedRequest,
		table: string,
		rowId: string | undefined,
		query: URLSearchParams,
	): Answer | undefined {
		const [databaseId, tableId] = table.split('/');
		const rows = this.rows.get(table);
		const body = parseJson(req.body);
		if (!rowId) {
			if (req.method === 'POST') {
				const created = Array.isArray(body.rows)
					? (body.rows as Array<Record<string, unknown>>).map(({ $id, ...data }) =>
							this.addRow(databaseId, tableId, data, $id),
						)
					: [
							this.addRow(
								databaseId,
								tableId,
								(body.data ?? {}) as Record<string, unknown>,
								body.rowId,
							),
						];
				return Array.isArray(body.rows)
					? json(201, { total: created.length, rows: created })
					: json(201, created[0]);
			}
			if (!rows) return undefined;
			const queries = req.method === 'GET' ? queriesOf(query) : ((body.queries ?? []) as string[]);
			if (req.method === 'GET') return listed('rows', rows, queries);
			const matching = matchingAll(rows, queries);
			if (!matching) return undefined;
			if (req.method === 'PATCH') {
				matching.forEach((row) =>
					Object.assign(row, body.data ?? {}, { $updatedAt: appwriteTime(Date.now()) }),
				);
				return json(200, { total: matching.length, rows: matching });
			}
			if (req.method === 'DELETE') {
				this.rows.set(
					table,
					rows.filter((row) => !matching.includes(row)),
				);
				matching.forEach((row) => this.deleted.add(`rows/${table}/${row.$id}`));
				return json(200, { total: matching.length, rows: matching });
			}
			return undefined;
		}
		const row = rows?.find((r) => r.$id === rowId);
		if (req.method === 'PUT' && !row)
			return json(
				200,
				this.addRow(databaseId, tableId, (body.data ?? {}) as Record<string, unknown>, rowId),
			);
		if (!row || !rows)
			return this.deleted.has(`rows/${table}/${rowId}`) ? this.notFound('row') : undefined;
		if (req.method === 'GET') return json(200, row);
		if (req.method === 'PATCH' || req.method === 'PUT') {
			Object.assign(row, body.data ?? {}, { $updatedAt: appwriteTime(Date.now()) });
			return json(200, row);
		}
		if (req.method === 'DELETE') {
			this.rows.set(
				table,
				rows.filter((r) => r !== row),
			);
			this.deleted.add(`rows/${table}/${rowId}`);
		}
		return undefined;
	}

	private addRow(
		databaseId: string,
		tableId: string,
		data: Record<string, unknown>,
		rowId: unknown,
	): ListedRow {
		const table = `${databaseId}/${tableId}`;
		const now = appwriteTime(Date.now());
		const row: ListedRow = {
			...data,
			$id: wantedId(rowId),
			$sequence: ++this.sequence,
			$tableId: tableId,
			$databaseId: databaseId,
			$createdAt: now,
			$updatedAt: now,
			$permissions: [],
		};
		if (!this.rows.has(table)) this.rows.set(table, []);
		this.rows.get(table)!.push(row);
		this.deleted.delete(`rows/${table}/${row.$id}`);
		return row;
	}
}

const MIME_TYPES: Record<string, string> = {
	txt: 'text/plain',
	json: 'application/json',
	csv: 'text/csv',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	pdf: 'application/pdf',
};

/** What Appwrite stores as a file's type when the upload only says application/octet-stream. */
function mimeTypeOf(filename = ''): string {
	return (
		MIME_TYPES[/\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? ''] ??
		'application/octet-stream'
	);
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
	return new Promise((done, fail) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => done(Buffer.concat(chunks)));
		stream.on('error', fail);
	});
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers)
			.filter(([, value]) => value !== undefined)
			.map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
	);
}

function askPrism(prismPort: number, req: ForwardedRequest): Promise<Answer> {
	return new Promise((done, fail) => {
		const forward = request(
			{
				host: '127.0.0.1',
				port: prismPort,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: `127.0.0.1:${prismPort}` },
			},
			(answer) => {
				readAll(answer).then(
					(body) =>
						done({ status: answer.statusCode ?? 502, headers: flatHeaders(answer.headers), body }),
					fail,
				);
			},
		);
		forward.on('error', fail);
		forward.end(req.body);
	});
}

export interface MemoryServer {
	port: number;
	memory: StandInMemory;
	stop(): Promise<void>;
}

/** Serves the stand-in on 127.0.0.1:`port` (0: any free port), asking Prism on `prismPort` first. */
export async function startMemoryServer(
	spec: Json,
	prismPort: number,
	options: { port?: number; remember?: boolean } = {},
): Promise<MemoryServer> {
	const memory = new StandInMemory(spec, options.remember ?? true);
	const server = createServer((incoming: IncomingMessage, res: ServerResponse) => {
		readAll(incoming)
			.then(async (body) => {
				const req = {
					method: incoming.method ?? 'GET',
					url: incoming.url ?? '/',
					headers: incoming.headers,
					body,
				};
				const answer = memory.answer(req, await askPrism(prismPort, req));
				const headers = { ...answer.headers };
				delete headers['transfer-encoding'];
				headers['content-length'] = String(answer.body.length);
				res.writeHead(answer.status, headers);
				res.end(answer.body);
			})
			.catch((failure: Error) => {
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						message: `Appwrite stand-in: Prism unreachable (${failure.message})`,
						code: 502,
						type: '',
					}),
				);
			});
	});
	server.unref(); // like Prism's watchdog: a forgotten stop() does not keep the process alive
	await new Promise<void>((done, fail) => {
		server.once('error', fail);
		server.listen(options.port ?? 0, '127.0.0.1', () => done());
	});
	let stopped: Promise<void> | undefined;
	return {
		port: (server.address() as { port: number }).port,
		memory,
		stop: () =>
			(stopped ??= new Promise<void>((done) => {
				server.close(() => done());
				server.closeAllConnections();
			})),
	};
}
