/**
 * A tiny HTTP server on 127.0.0.1 that pretends to be Appwrite: it records every request (as the
 * real node-appwrite SDK sent it) and answers with whatever the test scripted. Unscripted routes get
 * Appwrite's own 404 error body.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const APPWRITE_VERSION = '1.8.1';

export interface MultipartFile {
	/** Form field name, e.g. `file`. */
	field: string;
	filename: string;
	contentType: string;
	data: Buffer;
	size: number;
}

export interface MultipartPart {
	name: string;
	filename?: string;
	/** Part headers, lower-case names. */
	headers: Record<string, string>;
	data: Buffer;
}

export interface MultipartBody {
	/** Text parts by field name; a name sent more than once, or ending in `[]`, maps to an array. */
	fields: Record<string, string | string[]>;
	/** File parts (those with a filename), in order. */
	files: MultipartFile[];
	/** Every part, in order. */
	parts: MultipartPart[];
}

export type ParsedQuery = { [key: string]: string | ParsedQuery | Array<string | ParsedQuery> };

export interface RecordedRequest {
	method: string;
	/** Path without the query string, e.g. `/v1/users/u1`. */
	path: string;
	/** The request target as sent, e.g. `/v1/users?queries%5B0%5D=...`. */
	url: string;
	/** Raw query string without the `?` ('' when none). */
	rawQuery: string;
	/**
	 * The query parsed the way Appwrite's PHP server reads it: `queries[0]=a&queries[1]=b` becomes
	 * `{ queries: ['a', 'b'] }`, `a[b]=c` becomes `{ a: { b: 'c' } }`, a repeated plain key keeps the last value.
	 */
	query: ParsedQuery;
	searchParams: URLSearchParams;
	/** Lower-case header names; repeated headers joined with `, `. */
	headers: Record<string, string>;
	body: Buffer;
	/** Parsed body when the content type is JSON (undefined when the body is empty or not JSON). */
	json?: unknown;
	/** Parsed body when the content type is multipart/form-data. */
	multipart?: MultipartBody;
	/** Values of the `:name` segments of the matched string pattern, or the named groups of a RegExp. */
	params: Record<string, string>;
	/** Status code the stub answered with (set once the response is sent). */
	status?: number;
}

export interface StubResponse {
	status?: number;
	/** Sent as `application/json`. */
	json?: unknown;
	/** Sent as is (content type `application/octet-stream` unless `headers` say otherwise). */
	body?: Buffer | string;
	headers?: Record<string, string>;
}

/** Return `undefined` to let the next matching route (or the 404) answer. */
export type StubHandler = (request: RecordedRequest) => StubResponse | undefined | Promise<StubResponse | undefined>;

export interface RouteHandle {
	/** How often this route has answered. */
	readonly calls: number;
	remove(): void;
}

export interface StubServer {
	/** e.g. `http://127.0.0.1:41234/v1` */
	readonly endpoint: string;
	/** e.g. `http://127.0.0.1:41234` */
	readonly origin: string;
	readonly port: number;
	/** Every request received, in order (matched or not). */
	readonly requests: RecordedRequest[];
	/**
	 * Adds a route. `method` is case-insensitive (`*` matches any). `path` is matched against the
	 * path without query: a string with `:name` segments and `*` wildcards (e.g. `/v1/users/:userId`),
	 * or a RegExp. Routes added later take precedence over earlier ones.
	 */
	on(method: string, path: string | RegExp, handler: StubHandler | StubResponse): RouteHandle;
	/** Like `on`, but answers only once, then steps aside. */
	once(method: string, path: string | RegExp, handler: StubHandler | StubResponse): RouteHandle;
	/** A route answering an Appwrite error body `{ message, code, type, version }`. */
	error(method: string, path: string | RegExp, status: number, type: string, message: string): RouteHandle;
	/** Requests whose method and path match (same pattern rules as `on`). */
	find(method: string, path: string | RegExp): RecordedRequest[];
	/** Forgets the recorded requests, keeps the routes. */
	clearRequests(): void;
	/** Forgets the recorded requests and all routes. */
	reset(): void;
	close(): Promise<void>;
}

/** The body Appwrite sends with an error response. */
export function appwriteErrorBody(status: number, type: string, message: string) {
	return { message, code: status, type, version: APPWRITE_VERSION };
}

/** A StubResponse carrying an Appwrite error. */
export function appwriteError(status: number, type: string, message: string): StubResponse {
	return { status, json: appwriteErrorBody(status, type, message) };
}

interface Route {
	method: string;
	match: (path: string) => Record<string, string> | undefined;
	handler: StubHandler;
	remaining: number;
	calls: number;
}

function compilePath(pattern: string | RegExp): (path: string) => Record<string, string> | undefined {
	if (pattern instanceof RegExp) {
		const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
		return (path) => {
			const match = regexp.exec(path);
			return match ? { ...match.groups } : undefined;
		};
	}
	const names: string[] = [];
	const source = pattern
		.split(/(:[A-Za-z_$][\w$]*|\*)/)
		.map((part) => {
			if (part === '*') return '.*';
			if (part.startsWith(':')) {
				names.push(part.slice(1));
				return '([^/]+)';
			}
			return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('');
	const regexp = new RegExp(`^${source}$`);
	return (path) => {
		const match = regexp.exec(path);
		if (!match) return undefined;
		const params: Record<string, string> = {};
		names.forEach((name, index) => {
			params[name] = safeDecode(match[index + 1]);
		});
		return params;
	};
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

/** PHP-style parse of a query string (bracket keys become arrays/objects). */
export function parseQuery(searchParams: URLSearchParams): ParsedQuery {
	const root: ParsedQuery = {};
	for (const [key, value] of searchParams) {
		const head = /^[^[]+/.exec(key)?.[0] ?? key;
		const segments = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1]);
		const path = [head, ...segments];
		if (path.some((segment) => segment === '__proto__' || segment === 'constructor' || segment === 'prototype')) continue;
		let container: ParsedQuery | Array<string | ParsedQuery> = root;
		for (let index = 0; index < path.length; index++) {
			const segment = path[index];
			const last = index === path.length - 1;
			const nextIsList = !last && (path[index + 1] === '' || /^\d+$/.test(path[index + 1]));
			const fresh = () => (nextIsList ? [] : {}) as ParsedQuery;
			if (Array.isArray(container)) {
				const position = segment === '' ? container.length : Number(segment);
				if (last) container[position] = value;
				else {
					if (typeof container[position] !== 'object') container[position] = fresh();
					container = container[position] as ParsedQuery;
				}
			} else {
				const slot: ParsedQuery = container;
				const name = segment === '' ? String(Object.keys(slot).length) : segment;
				if (last) slot[name] = value;
				else {
					if (typeof slot[name] !== 'object') slot[name] = fresh();
					container = slot[name] as ParsedQuery;
				}
			}
		}
	}
	return root;
}

function headerParam(header: string, name: string): string | undefined {
	const match = new RegExp(`(?:^|;)\\s*${name}="((?:[^"\\\\]|\\\\.)*)"|(?:^|;)\\s*${name}=([^;]*)`, 'i').exec(header);
	if (!match) return undefined;
	// undici's FormData escapes `"` as %22 and newlines as %0D%0A / %0A in names and filenames.
	const raw = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2].trim();
	return raw.replace(/%22/g, '"').replace(/%0D%0A/gi, '\r\n').replace(/%0A/gi, '\n').replace(/%0D/gi, '\r');
}

/** Parses a multipart/form-data body (as undici's FormData encodes it). */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
	const boundary = headerParam(contentType, 'boundary');
	const result: MultipartBody = { fields: {}, files: [], parts: [] };
	if (!boundary) return result;
	const delimiter = Buffer.from(`--${boundary}`);
	let position = body.indexOf(delimiter);
	while (position !== -1) {
		let start = position + delimiter.length;
		if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
		if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
		const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
		if (next === -1) break;
		const part = body.subarray(start, next);
		const split = part.indexOf('\r\n\r\n');
		const headerText = split === -1 ? part.toString('utf8') : part.subarray(0, split).toString('utf8');
		const data = split === -1 ? Buffer.alloc(0) : Buffer.from(part.subarray(split + 4));
		const headers: Record<string, string> = {};
		for (const line of headerText.split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
		}
		const disposition = headers['content-disposition'] ?? '';
		const name = headerParam(disposition, 'name') ?? '';
		const filename = headerParam(disposition, 'filename');
		result.parts.push({ name, filename, headers, data });
		if (filename !== undefined) {
			result.files.push({
				field: name,
				filename,
				contentType: headers['content-type'] ?? 'application/octet-stream',
				data,
				size: data.length,
			});
		} else {
			const value = data.toString('utf8');
			const existing = result.fields[name];
			if (existing === undefined) result.fields[name] = name.endsWith('[]') ? [value] : value;
			else result.fields[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
		}
		position = next + 2;
	}
	return result;
}

function record(request: IncomingMessage, body: Buffer): RecordedRequest {
	const url = request.url ?? '/';
	const queryStart = url.indexOf('?');
	const path = queryStart === -1 ? url : url.slice(0, queryStart);
	const rawQuery = queryStart === -1 ? '' : url.slice(queryStart + 1);
	const searchParams = new URLSearchParams(rawQuery);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	const contentType = headers['content-type'] ?? '';
	const recorded: RecordedRequest = {
		method: (request.method ?? 'GET').toUpperCase(),
		path,
		url,
		rawQuery,
		query: parseQuery(searchParams),
		searchParams,
		headers,
		body,
		params: {},
	};
	if (/[/+]json\b/i.test(contentType) && body.length > 0) {
		try {
			recorded.json = JSON.parse(body.toString('utf8'));
		} catch {
			// Left undefined: the test can still look at `body`.
		}
	} else if (/^multipart\/form-data/i.test(contentType)) {
		recorded.multipart = parseMultipart(body, contentType);
	}
	return recorded;
}

function send(response: ServerResponse, answer: StubResponse): number {
	const status = answer.status ?? 200;
	const headers: Record<string, string> = {};
	let payload: Buffer | undefined;
	if (answer.json !== undefined) {
		payload = Buffer.from(JSON.stringify(answer.json));
		headers['content-type'] = 'application/json; charset=utf-8';
	} else if (answer.body !== undefined) {
		payload = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
		headers['content-type'] = 'application/octet-stream';
	}
	for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
	const bodyAllowed = status !== 204 && status !== 304;
	if (bodyAllowed) headers['content-length'] = String(payload?.length ?? 0);
	response.writeHead(status, headers);
	response.end(bodyAllowed ? payload : undefined);
	return status;
}

/** Starts a stub Appwrite on 127.0.0.1 on a free port. */
export async function startStubServer(): Promise<StubServer> {
	const requests: RecordedRequest[] = [];
	let routes: Route[] = [];

	const dispatch = async (recorded: RecordedRequest): Promise<StubResponse> => {
		for (let index = routes.length - 1; index >= 0; index--) {
			const route = routes[index];
			if (route.remaining <= 0) continue;
			if (route.method !== '*' && route.method !== recorded.method) continue;
			const params = route.match(recorded.path);
			if (!params) continue;
			recorded.params = params;
			const answer = await route.handler(recorded);
			if (answer === undefined) continue;
			route.calls++;
			route.remaining--;
			return answer;
		}
		recorded.params = {};
		return appwriteError(404, 'general_route_not_found', 'The requested route was not found. Please refer to the API docs and try again.');
	};

	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const recorded = record(request, Buffer.concat(chunks));
			requests.push(recorded);
			dispatch(recorded)
				.catch((error: unknown) =>
					appwriteError(500, 'general_unknown', `Stub handler failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
				)
				.then((answer) => {
					recorded.status = send(response, answer);
				})
				.catch(() => response.destroy());
		});
	});
	// Plenty for a keep-alive client pausing between calls; closed explicitly by close() anyway.
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	// A stub someone forgot to close must not keep the test process alive.
	server.unref();
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;

	const addRoute = (method: string, path: string | RegExp, handler: StubHandler | StubResponse, times: number): RouteHandle => {
		const route: Route = {
			method: method.toUpperCase(),
			match: compilePath(path),
			handler: typeof handler === 'function' ? handler : () => handler,
			remaining: times,
			calls: 0,
		};
		routes.push(route);
		return {
			get calls() {
				return route.calls;
			},
			remove() {
				routes = routes.filter((candidate) => candidate !== route);
			},
		};
	};

	let closed: Promise<void> | undefined;
	return {
		endpoint: `${origin}/v1`,
		origin,
		port,
		requests,
		on: (method, path, handler) => addRoute(method, path, handler, Infinity),
		once: (method, path, handler) => addRoute(method, path, handler, 1),
		error: (method, path, status, type, message) => addRoute(method, path, appwriteError(status, type, message), Infinity),
		find(method, path) {
			const match = compilePath(path);
			const wanted = method.toUpperCase();
			return requests.filter((request) => (wanted === '*' || request.method === wanted) && match(request.path) !== undefined);
		},
		clearRequests() {
			requests.length = 0;
		},
		reset() {
			requests.length = 0;
			routes = [];
		},
		close() {
			closed ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closed;
		},
	};
}

/** An endpoint on 127.0.0.1 where nothing listens (a port just freed), for connection-refused tests. */
export async function refusedEndpoint(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}/v1`;
}
