/**
 * A small stateful Appwrite for the trigger tests and the e2e stand-in: the Webhooks API
 * (/v1/webhooks, as Appwrite 1.9 and Cloud answer it), rows of TablesDB tables that answer list
 * queries like Appwrite (appwrite-lists.ts), and webhook deliveries as Appwrite's webhooks worker
 * makes them: POST, the resource as JSON, X-Appwrite-Webhook-* headers and the signature
 * base64(HMAC-SHA1(secret, URL + body)), computed here independently of the package's own code.
 */
import { createHmac, randomBytes } from 'node:crypto';

import type { ListedRow } from './appwrite-lists';
import { appwriteTime, ListQueryError, listRecords } from './appwrite-lists';

export interface FakeRequest {
	method: string;
	/** Path without the query string, e.g. `/v1/webhooks/abc`. */
	path: string;
	query: URLSearchParams;
	json?: unknown;
}

export interface FakeResponse {
	status: number;
	json?: unknown;
}

export interface WebhookRecord {
	$id: string;
	$createdAt: string;
	$updatedAt: string;
	name: string;
	url: string;
	events: string[];
	tls: boolean;
	authUsername: string;
	authPassword: string;
	secret: string;
	enabled: boolean;
	logs: string;
	attempts: number;
}

export interface DeliveryResult {
	webhookId: string;
	url: string;
	status: number;
	body: string;
}

export const FAKE_PROJECT_ID = 'appwrite-suite-e2e';

function error(status: number, type: string, message: string): FakeResponse {
	return { status, json: { message, code: status, type, version: '1.9.0' } };
}

/** The webhook as Appwrite returns it: the secret only on creation and rotation. */
function shown(webhook: WebhookRecord, withSecret: boolean): WebhookRecord {
	return { ...webhook, secret: withSecret ? webhook.secret : '' };
}

/**
 * Every event name Appwrite generates for one event: each ID as itself or `*`, with and without
 * the action (most specific first), as Appwrite's Event::generateEvents does.
 */
export function generatedEvents(
	segments: ReadonlyArray<[collection: string, id: string]>,
	action: string,
): string[] {
	const variants: string[] = [];
	for (let mask = 0; mask < 2 ** segments.length; mask++) {
		const path = segments
			.map(
				([collection, id], index) =>
					`${collection}.${mask & (1 << (segments.length - 1 - index)) ? '*' : id}`,
			)
			.join('.');
		variants.push(`${path}.${action}`, path);
	}
	return variants;
}

export class AppwriteFake {
	readonly webhooks = new Map<string, WebhookRecord>();
	readonly tables = new Map<string, ListedRow[]>();
	/** The columns of tables that declare them, as listColumns answers them, keyed `<databaseId>/<tableId>`. */
	readonly columns = new Map<string, Array<Record<string, unknown>>>();
	readonly deliveries: DeliveryResult[] = [];
	private clock = Date.parse('2026-01-05T10:00:00.000Z');
	private serial = 0;

	/** Appwrite timestamps: a millisecond clock that never goes back, and may stand still (ties). */
	now(advance = 1): string {
		this.clock = Math.max(this.clock + advance, Date.now());
		return appwriteTime(this.clock);
	}

	table(databaseId: string, tableId: string): ListedRow[] {
		const key = `${databaseId}/${tableId}`;
		if (!this.tables.has(key)) this.tables.set(key, []);
		return this.tables.get(key) as ListedRow[];
	}

	/** Adds a row as Appwrite's createRow does; returns it with the events Appwrite generates for it. */
	addRow(
		databaseId: string,
		tableId: string,
		data: Record<string, unknown>,
		rowId?: string,
	): { row: ListedRow; events: string[] } {
		const at = this.now();
		const row: ListedRow = {
			$id: rowId ?? `row${String(++this.serial).padStart(4, '0')}${randomBytes(3).toString('hex')}`,
			$sequence: this.table(databaseId, tableId).length + 1,
			$tableId: tableId,
			$databaseId: databaseId,
			$createdAt: at,
			$updatedAt: at,
			$permissions: [],
			...data,
		};
		this.table(databaseId, tableId).push(row);
		return {
			row,
			events: generatedEvents(
				[
					['databases', databaseId],
					['tables', tableId],
					['rows', row.$id],
				],
				'create',
			),
		};
	}

	/** Adds a row and sends its events to the matching webhooks, waiting for the deliveries. */
	async createRow(
		databaseId: string,
		tableId: string,
		data: Record<string, unknown>,
		rowId?: string,
	): Promise<ListedRow> {
		const { row, events } = this.addRow(databaseId, tableId, data, rowId);
		await this.deliver(events, row);
		return row;
	}

	/** POSTs `payload` to every enabled webhook subscribed to one of `events`, signed as Appwrite signs. */
	async deliver(
		events: readonly string[],
		payload: unknown,
		userId = '',
	): Promise<DeliveryResult[]> {
		const body = JSON.stringify(payload);
		const results: DeliveryResult[] = [];
		for (const webhook of this.webhooks.values()) {
			if (!webhook.enabled || !webhook.events.some((event) => events.includes(event))) continue;
			const signature = createHmac('sha1', webhook.secret)
				.update(webhook.url + body)
				.digest('base64');
			let result: DeliveryResult;
			try {
				const response = await fetch(webhook.url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'x-appwrite-webhook-id': webhook.$id,
						'x-appwrite-webhook-events': events.join(','),
						'x-appwrite-webhook-name': webhook.name,
						'x-appwrite-webhook-user-id': userId,
						'x-appwrite-webhook-project-id': FAKE_PROJECT_ID,
						'x-appwrite-webhook-signature': signature,
					},
					body,
					signal: AbortSignal.timeout(15_000),
				});
				result = {
					webhookId: webhook.$id,
					url: webhook.url,
					status: response.status,
					body: await response.text(),
				};
			} catch (failure) {
				// Appwrite counts a delivery it could not make as failed, like an error status.
				result = {
					webhookId: webhook.$id,
					url: webhook.url,
					status: 0,
					body: (failure as Error).message,
				};
			}
			webhook.attempts = result.status === 0 || result.status >= 400 ? webhook.attempts + 1 : 0;
			if (webhook.attempts >= 10) webhook.enabled = false;
			this.deliveries.push(result);
			results.push(result);
		}
		return results;
	}

	/** Whether this fake serves `path`: the Webhooks API, and the rows of the tables it holds. */
	claims(path: string): boolean {
		return this.route(path) !== undefined;
	}

	private route(
		path: string,
	):
		| { webhookId?: string; secret?: boolean; table?: [string, string]; columns?: string }
		| undefined {
		const webhook = /^\/v1\/webhooks(?:\/([^/]+))?(\/secret)?$/.exec(path);
		if (webhook)
			return {
				webhookId: webhook[1] && decodeURIComponent(webhook[1]),
				secret: Boolean(webhook[2]),
			};
		const columns = /^\/v1\/tablesdb\/([^/]+)\/tables\/([^/]+)\/columns$/.exec(path);
		const columnsKey =
			columns && `${decodeURIComponent(columns[1])}/${decodeURIComponent(columns[2])}`;
		if (columnsKey && this.columns.has(columnsKey)) return { columns: columnsKey };
		const rows = /^\/v1\/tablesdb\/([^/]+)\/tables\/([^/]+)\/rows$/.exec(path);
		const table: [string, string] | undefined = rows
			? [decodeURIComponent(rows[1]), decodeURIComponent(rows[2])]
			: undefined;
		return table && this.tables.has(table.join('/')) ? { table } : undefined;
	}

	/** Answers the routes this fake serves; undefined for any other request. */
	handle(request: FakeRequest): FakeResponse | undefined {
		const route = this.route(request.path);
		if (!route) return undefined;
		if (route.columns) return this.handleColumns(request, route.columns);
		return route.table
			? this.handleRows(request, ...route.table)
			: this.handleWebhooks(request, route.webhookId, Boolean(route.secret));
	}

	/** listColumns: every column of the table, with Appwrite's limit and offset queries. */
	private handleColumns(request: FakeRequest, key: string): FakeResponse {
		if (request.method !== 'GET')
			return error(405, 'general_not_implemented', 'Method not allowed');
		const queries = [...request.query.entries()]
			.filter(([name]) => /^queries(\[\d*\])?$/.test(name))
			.map(([, value]) => JSON.parse(value) as { method: string; values: number[] });
		const all = this.columns.get(key) ?? [];
		const offset = queries.find((query) => query.method === 'offset')?.values[0] ?? 0;
		const limit = queries.find((query) => query.method === 'limit')?.values[0] ?? 25;
		return { status: 200, json: { total: all.length, columns: all.slice(offset, offset + limit) } };
	}

	private handleRows(request: FakeRequest, databaseId: string, tableId: string): FakeResponse {
		if (request.method === 'POST') {
			const body = (request.json ?? {}) as { rowId?: string; data?: Record<string, unknown> };
			const rowId = !body.rowId || body.rowId === 'unique()' ? undefined : body.rowId;
			const { row, events } = this.addRow(databaseId, tableId, body.data ?? {}, rowId);
			// Appwrite queues webhook deliveries; the request does not wait for them.
			void this.deliver(events, row).catch(() => undefined);
			return { status: 201, json: row };
		}
		if (request.method !== 'GET')
			return error(405, 'general_not_implemented', 'Method not allowed');
		const queries = [...request.query.entries()]
			.filter(([name]) => /^queries(\[\d*\])?$/.test(name))
			.map(([, value]) => value);
		try {
			const rows = listRecords(this.table(databaseId, tableId), queries);
			return { status: 200, json: { total: rows.length, rows } };
		} catch (failure) {
			if (failure instanceof ListQueryError)
				return error(failure.status, failure.type, failure.message);
			throw failure;
		}
	}

	private handleWebhooks(
		request: FakeRequest,
		id: string | undefined,
		secretRoute: boolean,
	): FakeResponse {
		const body = (request.json ?? {}) as Partial<WebhookRecord> & { webhookId?: string };
		if (!id) {
			if (request.method === 'GET') {
				const all = [...this.webhooks.values()].map((entry) => shown(entry, false));
				return { status: 200, json: { total: all.length, webhooks: all } };
			}
			if (request.method !== 'POST')
				return error(405, 'general_not_implemented', 'Method not allowed');
			const problem = this.invalid(body);
			if (problem) return problem;
			const webhookId =
				body.webhookId === 'unique()' || !body.webhookId
					? randomBytes(10).toString('hex')
					: body.webhookId;
			if (this.webhooks.has(webhookId))
				return error(
					409,
					'webhook_already_exists',
					'Webhook with the requested ID already exists.',
				);
			const at = this.now();
			const created: WebhookRecord = {
				$id: webhookId,
				$createdAt: at,
				$updatedAt: at,
				name: String(body.name),
				url: String(body.url),
				events: body.events as string[],
				tls: body.tls ?? true,
				authUsername: body.authUsername ?? '',
				authPassword: body.authPassword ?? '',
				secret: body.secret || randomBytes(64).toString('hex'),
				enabled: body.enabled ?? true,
				logs: '',
				attempts: 0,
			};
			this.webhooks.set(webhookId, created);
			return { status: 201, json: shown(created, true) };
		}
		const existing = this.webhooks.get(id);
		if (!existing)
			return error(404, 'webhook_not_found', 'Webhook with the requested ID could not be found.');
		if (secretRoute && request.method === 'PATCH') {
			existing.secret = body.secret || randomBytes(64).toString('hex');
			existing.$updatedAt = this.now();
			return { status: 200, json: shown(existing, true) };
		}
		switch (request.method) {
			case 'GET':
				return { status: 200, json: shown(existing, false) };
			case 'PUT': {
				const problem = this.invalid(body);
				if (problem) return problem;
				Object.assign(existing, {
					name: body.name,
					url: body.url,
					events: body.events,
					enabled: body.enabled ?? true,
					tls: body.tls ?? true,
					authUsername: body.authUsername ?? '',
					authPassword: body.authPassword ?? '',
					attempts: body.enabled === false ? existing.attempts : 0,
					$updatedAt: this.now(),
				});
				return { status: 200, json: shown(existing, false) };
			}
			case 'DELETE':
				this.webhooks.delete(id);
				return { status: 204 };
			default:
				return error(405, 'general_not_implemented', 'Method not allowed');
		}
	}

	/** Appwrite's checks on a webhook's name, URL and events (this fake accepts loopback URLs). */
	private invalid(body: Partial<WebhookRecord>): FakeResponse | undefined {
		if (typeof body.name !== 'string' || body.name === '' || body.name.length > 128) {
			return error(
				400,
				'general_argument_invalid',
				'Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars',
			);
		}
		if (typeof body.url !== 'string' || !URL.canParse(body.url)) {
			return error(
				400,
				'general_argument_invalid',
				'Invalid `url` param: Value must be a valid URL',
			);
		}
		if (!Array.isArray(body.events) || body.events.length === 0 || body.events.length > 100) {
			return error(
				400,
				'general_argument_invalid',
				'Invalid `events` param: Value must a valid array no longer than 100 items',
			);
		}
		if (
			body.secret !== undefined &&
			body.secret !== '' &&
			(body.secret.length < 8 || body.secret.length > 256)
		) {
			return error(
				400,
				'general_argument_invalid',
				'Invalid `secret` param: Value must be a valid string and at least 8 chars and no longer than 256 chars',
			);
		}
		return undefined;
	}
}
