/**
 * The Appwrite the browser test points its credential at: a small, searchable project on
 * 127.0.0.1 with what the editor's pickers list (databases, tables and their columns, buckets and
 * their files), rows that can be created and files that can be downloaded. Lists answer like
 * Appwrite: `search` matches the name or ID (case-insensitive), `queries[n]` pages with limit and
 * cursorAfter (tests/support/appwrite-lists.ts). A key other than the project's gets Appwrite's
 * guest answer. Every request is recorded, so the test can check what the editor asked for.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import {
	appwriteTime,
	ListQueryError,
	listRecords,
	type ListedRow,
} from '../../support/appwrite-lists';
import { listenOnLoopback } from '../../e2e/lib/ports';

export const CATALOG_PROJECT_ID = 'appwrite-suite-ui';
export const CATALOG_API_KEY = 'ui-standin-api-key-0001';

export interface CatalogColumn {
	key: string;
	type: 'string' | 'integer' | 'double' | 'boolean' | 'datetime' | 'email' | 'enum';
	required: boolean;
	array?: boolean;
	size?: number;
	min?: number;
	max?: number;
	elements?: string[];
	format?: string;
}

interface StoredFile {
	$id: string;
	name: string;
	mimeType: string;
	content: Buffer;
}

export interface CatalogRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	body?: unknown;
}

const CREATED = appwriteTime(Date.UTC(2026, 0, 5, 10, 0, 0));

function record<T extends object>(id: string, fields: T): ListedRow & T {
	return { $id: id, $createdAt: CREATED, $updatedAt: CREATED, ...fields };
}

/** Column as Appwrite lists it (TablesDB column models: status, error, size/min/max/elements, default). */
function columnModel(column: CatalogColumn): Record<string, unknown> {
	const { key, type, required, array = false, ...rest } = column;
	return {
		key,
		type,
		status: 'available',
		error: '',
		required,
		array,
		$createdAt: CREATED,
		$updatedAt: CREATED,
		default: null,
		...rest,
	};
}

/** The project: names chosen so that a few typed letters leave one choice. */
const DATABASES = [
	record('shop', { name: 'Shop', enabled: true, type: 'tablesdb' }),
	record('crm', { name: 'CRM', enabled: true, type: 'tablesdb' }),
	record('analytics', { name: 'Analytics', enabled: true, type: 'tablesdb' }),
	record('support', { name: 'Support desk', enabled: true, type: 'tablesdb' }),
];

/** The columns of shop/orders, the table the browser test writes a row to. */
export const ORDER_COLUMNS: readonly CatalogColumn[] = [
	{ key: 'customer', type: 'string', required: true, size: 128 },
	{ key: 'quantity', type: 'integer', required: true, min: 1, max: 1000 },
	{ key: 'paid', type: 'boolean', required: false },
	{ key: 'deliverBy', type: 'datetime', required: false, format: '' },
	{
		key: 'status',
		type: 'enum',
		required: false,
		elements: ['new', 'shipped', 'delivered'],
		format: 'enum',
	},
];

const TABLE_COLUMNS: Record<string, Record<string, readonly CatalogColumn[]>> = {
	shop: {
		orders: ORDER_COLUMNS,
		customers: [
			{ key: 'name', type: 'string', required: true, size: 128 },
			{ key: 'email', type: 'email', required: false, format: 'email' },
		],
		products: [
			{ key: 'title', type: 'string', required: true, size: 256 },
			{ key: 'price', type: 'double', required: true, min: 0, max: 100000 },
		],
	},
	crm: { contacts: [{ key: 'name', type: 'string', required: true, size: 128 }] },
	analytics: { events: [{ key: 'name', type: 'string', required: true, size: 128 }] },
	support: { tickets: [{ key: 'subject', type: 'string', required: true, size: 256 }] },
};

const TABLE_NAMES: Record<string, string> = {
	orders: 'Orders',
	customers: 'Customers',
	products: 'Products',
	contacts: 'Contacts',
	events: 'Events',
	tickets: 'Tickets',
};

const BUCKETS = [
	record('invoices', {
		name: 'Invoices',
		enabled: true,
		fileSecurity: false,
		maximumFileSize: 30_000_000,
		allowedFileExtensions: [],
		compression: 'none',
		encryption: true,
		antivirus: true,
		$permissions: [],
	}),
	record('avatars', {
		name: 'Avatars',
		enabled: true,
		fileSecurity: false,
		maximumFileSize: 30_000_000,
		allowedFileExtensions: [],
		compression: 'none',
		encryption: true,
		antivirus: true,
		$permissions: [],
	}),
	record('backups', {
		name: 'Backups',
		enabled: true,
		fileSecurity: false,
		maximumFileSize: 30_000_000,
		allowedFileExtensions: [],
		compression: 'none',
		encryption: true,
		antivirus: true,
		$permissions: [],
	}),
];

function textFile(id: string, name: string, text: string): StoredFile {
	return { $id: id, name, mimeType: 'text/plain', content: Buffer.from(text, 'utf8') };
}

const FILES: Record<string, StoredFile[]> = {
	invoices: [
		textFile(
			'inv-2026-0041',
			'invoice-2026-0041.txt',
			'Invoice 2026-0041\nCustomer: Grace Hopper\nTotal: 120.00 EUR\n',
		),
		textFile(
			'inv-2026-0042',
			'invoice-2026-0042.txt',
			'Invoice 2026-0042\nCustomer: Ada Lovelace\n3 x Analytical Engine manual\nTotal: 42.00 EUR\n',
		),
		textFile(
			'inv-2026-0043',
			'invoice-2026-0043.txt',
			'Invoice 2026-0043\nCustomer: Alan Turing\nTotal: 7.50 EUR\n',
		),
	],
	avatars: [],
	backups: [],
};

function appwriteError(
	status: number,
	type: string,
	message: string,
): { status: number; json: unknown } {
	return { status, json: { message, code: status, type, version: '1.8.0' } };
}

function listAnswer(
	key: string,
	records: ListedRow[],
	query: URLSearchParams,
): { status: number; json: unknown } {
	const search = (query.get('search') ?? '').trim().toLowerCase();
	const queries = [...query.entries()]
		.filter(([name]) => /^queries\[\d*\]$/.test(name))
		.map(([, value]) => value);
	const matching = search
		? records.filter((entry) =>
				`${String(entry.name ?? '')} ${entry.$id}`.toLowerCase().includes(search),
			)
		: records;
	try {
		const page = listRecords(matching, queries);
		return { status: 200, json: { total: matching.length, [key]: page } };
	} catch (error) {
		if (error instanceof ListQueryError)
			return appwriteError(error.status, error.type, error.message);
		throw error;
	}
}

function fileModel(bucketId: string, file: StoredFile): ListedRow {
	return record(file.$id, {
		bucketId,
		$permissions: [],
		name: file.name,
		signature: `sig-${file.$id}`,
		mimeType: file.mimeType,
		sizeOriginal: file.content.length,
		chunksTotal: 1,
		chunksUploaded: 1,
		encryption: true,
		compression: 'none',
	});
}

export interface AppwriteCatalog {
	endpoint: string;
	/** Every request so far, oldest first. */
	requests: CatalogRequest[];
	/** Rows created through the API, by `<databaseId>/<tableId>`. */
	rows: Map<string, ListedRow[]>;
	/** The stored file a download returns. */
	file(
		bucketId: string,
		fileId: string,
	): { name: string; mimeType: string; content: Buffer } | undefined;
	stop(): Promise<void>;
}

export async function startAppwriteCatalog(): Promise<AppwriteCatalog> {
	const requests: CatalogRequest[] = [];
	const rows = new Map<string, ListedRow[]>();
	let sequence = 0;

	function tablesOf(databaseId: string): ListedRow[] | undefined {
		const tables = TABLE_COLUMNS[databaseId];
		if (!tables) return undefined;
		return Object.entries(tables).map(([tableId, columns]) =>
			record(tableId, {
				databaseId,
				name: TABLE_NAMES[tableId],
				enabled: true,
				rowSecurity: false,
				$permissions: [],
				columns: columns.map(columnModel),
				indexes: [],
			}),
		);
	}

	function createRow(
		databaseId: string,
		tableId: string,
		body: Record<string, unknown>,
	): { status: number; json: unknown } {
		const columns = TABLE_COLUMNS[databaseId]?.[tableId];
		if (!columns)
			return appwriteError(
				404,
				'table_not_found',
				'Table with the requested ID could not be found.',
			);
		const data = (body.data ?? {}) as Record<string, unknown>;
		const unknown = Object.keys(data).find((key) => !columns.some((column) => column.key === key));
		if (unknown)
			return appwriteError(
				400,
				'row_invalid_structure',
				`Invalid document structure: Unknown attribute: "${unknown}"`,
			);
		const missing = columns.find(
			(column) => column.required && (data[column.key] === undefined || data[column.key] === null),
		);
		if (missing)
			return appwriteError(
				400,
				'row_missing_data',
				`Invalid document structure: Missing required attribute "${missing.key}"`,
			);
		const requested = typeof body.rowId === 'string' ? body.rowId : 'unique()';
		const rowId =
			requested === 'unique()' ? `row${String(++sequence).padStart(4, '0')}` : requested;
		const now = appwriteTime(Date.now());
		const row = {
			$id: rowId,
			$sequence: sequence,
			$tableId: tableId,
			$databaseId: databaseId,
			$createdAt: now,
			$updatedAt: now,
			$permissions: body.permissions ?? [],
			...data,
		};
		const key = `${databaseId}/${tableId}`;
		rows.set(key, [...(rows.get(key) ?? []), row]);
		return { status: 201, json: row };
	}

	function answer(request: CatalogRequest): { status: number; json?: unknown; file?: StoredFile } {
		const { method, path, query } = request;
		const parts = path
			.replace(/^\/v1\/?/, '')
			.split('/')
			.filter(Boolean)
			.map(decodeURIComponent);
		if (method === 'GET' && path === '/v1/health')
			return { status: 200, json: { name: 'http', ping: 1, status: 'pass' } };
		if (parts[0] === 'tablesdb') {
			const [, databaseId, tablesWord, tableId, what, rowId] = parts;
			if (method === 'GET' && parts.length === 1) return listAnswer('databases', DATABASES, query);
			const database = DATABASES.find((entry) => entry.$id === databaseId);
			if (!database) return appwriteError(404, 'database_not_found', 'Database not found');
			if (method === 'GET' && parts.length === 2) return { status: 200, json: database };
			const tables = tablesOf(databaseId) ?? [];
			if (tablesWord === 'tables' && method === 'GET' && parts.length === 3)
				return listAnswer('tables', tables, query);
			const table = tables.find((entry) => entry.$id === tableId);
			if (!table)
				return appwriteError(
					404,
					'table_not_found',
					'Table with the requested ID could not be found.',
				);
			if (method === 'GET' && parts.length === 4) return { status: 200, json: table };
			if (what === 'columns' && method === 'GET' && parts.length === 5)
				return listAnswer(
					'columns',
					(table.columns as ListedRow[]).map((c) => ({ ...c, $id: String(c.key) })),
					query,
				);
			if (what === 'rows' && method === 'POST' && parts.length === 5)
				return createRow(databaseId, tableId, (request.body ?? {}) as Record<string, unknown>);
			if (what === 'rows' && method === 'GET' && parts.length === 5)
				return listAnswer('rows', rows.get(`${databaseId}/${tableId}`) ?? [], query);
			if (what === 'rows' && method === 'GET' && parts.length === 6) {
				const row = rows.get(`${databaseId}/${tableId}`)?.find((entry) => entry.$id === rowId);
				return row
					? { status: 200, json: row }
					: appwriteError(404, 'row_not_found', 'Row with the requested ID could not be found.');
			}
		}
		if (parts[0] === 'storage' && parts[1] === 'buckets') {
			const [, , bucketId, filesWord, fileId, action] = parts;
			if (method === 'GET' && parts.length === 2) return listAnswer('buckets', BUCKETS, query);
			const bucket = BUCKETS.find((entry) => entry.$id === bucketId);
			if (!bucket)
				return appwriteError(
					404,
					'storage_bucket_not_found',
					'Storage bucket with the requested ID could not be found.',
				);
			if (method === 'GET' && parts.length === 3) return { status: 200, json: bucket };
			const files = FILES[bucketId] ?? [];
			if (filesWord === 'files' && method === 'GET' && parts.length === 4)
				return listAnswer(
					'files',
					files.map((file) => fileModel(bucketId, file)),
					query,
				);
			const file = files.find((entry) => entry.$id === fileId);
			if (!file)
				return appwriteError(
					404,
					'storage_file_not_found',
					'The requested file could not be found.',
				);
			if (method === 'GET' && parts.length === 5)
				return { status: 200, json: fileModel(bucketId, file) };
			if (method === 'GET' && action === 'download' && parts.length === 6)
				return { status: 200, file };
		}
		return appwriteError(
			404,
			'general_route_not_found',
			`The browser test's stand-in has no ${method} ${path}`,
		);
	}

	function respond(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
		const url = new URL(req.url ?? '/', 'http://catalog');
		let body: unknown;
		try {
			body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
		} catch {
			body = raw.toString('utf8');
		}
		const request: CatalogRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: url.searchParams,
			body,
		};
		requests.push(request);
		const key = req.headers['x-appwrite-key'];
		const project = req.headers['x-appwrite-project'];
		const result =
			key !== CATALOG_API_KEY || project !== CATALOG_PROJECT_ID
				? appwriteError(
						401,
						'general_unauthorized_scope',
						'User (role: guests) missing scopes (["public"])',
					)
				: answer(request);
		if ('file' in result && result.file) {
			res.writeHead(result.status, {
				'content-type': result.file.mimeType,
				'content-length': result.file.content.length,
				'content-disposition': `attachment; filename="${result.file.name}"`,
			});
			res.end(result.file.content);
			return;
		}
		res.writeHead(result.status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(result.json));
	}

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => respond(req, res, Buffer.concat(chunks)));
	});
	const { port, stop } = await listenOnLoopback(server);
	return {
		endpoint: `http://127.0.0.1:${port}/v1`,
		requests,
		rows,
		file(bucketId, fileId) {
			const file = FILES[bucketId]?.find((entry) => entry.$id === fileId);
			return file && { name: file.name, mimeType: file.mimeType, content: file.content };
		},
		stop,
	};
}
