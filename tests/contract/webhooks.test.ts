/**
 * Contract tests of the Appwrite Webhooks node. The vendored 1.8.x spec predates /v1/webhooks (an
 * Appwrite 1.9 and Cloud API), so the spec-driven stand-in cannot judge these actions: each runs
 * through its generated node, in n8n's engine, with the real node-appwrite SDK against the
 * recording stub, which answers like Appwrite 1.9 and records the exact requests.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { loadCatalog } from '../../codegen/catalog';
import type { AppwriteFake } from '../support/appwrite-fake';
import { runNode } from '../support/engine';
import { useFakeAppwriteStub } from '../support/fake-appwrite-stub';
import type { StubServer } from '../support/stub-server';

const API_KEY = 'webhooks-contract-key-31f0';
const appwrite = useFakeAppwriteStub(API_KEY);
let stub: StubServer;
let fake: AppwriteFake;

beforeEach(() => {
	({ stub, fake } = appwrite);
});

async function webhooks(parameters: Record<string, unknown>) {
	const result = await runNode({
		type: 'appwriteWebhooks',
		parameters: { resource: 'webhook', ...parameters },
		credentials: appwrite.credentials(),
	});
	if (result.status !== 'success')
		throw new Error(
			`the action failed: ${result.error?.message} ${result.error?.description ?? ''}`,
		);
	return result.output();
}

function lastRequest() {
	const request = stub.requests[stub.requests.length - 1];
	expect(request.headers['x-appwrite-key']).toBe(API_KEY);
	expect(request.headers['x-appwrite-project']).toBe('test-project');
	return { line: `${request.method} ${request.path}`, json: request.json, query: request.query };
}

async function created(name = 'orders') {
	const [item] = await webhooks({
		operation: 'create',
		webhookId: '',
		url: 'https://n8n.example.com/webhook/orders',
		name,
		events: 'databases.*.tables.*.rows.*.create',
		additionalFields: {},
	});
	return item.json as { $id: string; secret: string };
}

describe('Appwrite Webhooks node against the recording stub (not in the vendored 1.8.x spec)', () => {
	it("covers the six actions of node-appwrite's Webhooks service", () => {
		const service = loadCatalog().find((entry) => entry.service === 'Webhooks');
		expect(service?.actions.map((action) => action.method).sort()).toEqual([
			'create',
			'delete',
			'get',
			'list',
			'update',
			'updateSecret',
		]);
	});

	it('Create: POST /v1/webhooks with every field, the ID from ID.unique() when left empty', async () => {
		const [item] = await webhooks({
			operation: 'create',
			webhookId: '',
			url: 'https://n8n.example.com/webhook/orders',
			name: 'Orders',
			events: 'databases.*.tables.*.rows.*.create, buckets.*.files.*.create',
			additionalFields: {
				enabled: false,
				tls: false,
				authUsername: 'n8n',
				authPassword: 'basic-pass',
				secret: 'own-secret-0001',
			},
		});
		const request = lastRequest();
		expect(request.line).toBe('POST /v1/webhooks');
		expect(request.json).toEqual({
			webhookId: expect.stringMatching(/^[0-9a-f]{20}$/),
			url: 'https://n8n.example.com/webhook/orders',
			name: 'Orders',
			events: ['databases.*.tables.*.rows.*.create', 'buckets.*.files.*.create'],
			enabled: false,
			tls: false,
			authUsername: 'n8n',
			authPassword: 'basic-pass',
			secret: 'own-secret-0001',
		});
		expect(item.json).toMatchObject({
			$id: (request.json as { webhookId: string }).webhookId,
			name: 'Orders',
			enabled: false,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('Get: GET /v1/webhooks/{id}, the webhook without its secret', async () => {
		const { $id } = await created();
		const [item] = await webhooks({ operation: 'get', webhookId: $id });
		expect(lastRequest().line).toBe(`GET /v1/webhooks/${$id}`);
		expect(item.json).toMatchObject({
			$id,
			url: 'https://n8n.example.com/webhook/orders',
			secret: '',
		});
	});

	it('Get Many: GET /v1/webhooks with the queries and paging, one item per webhook', async () => {
		await created('a');
		await created('b');
		const items = await webhooks({
			operation: 'getAll',
			returnAll: false,
			limit: 10,
			additionalFields: { total: false },
		});
		const request = lastRequest();
		expect(request.line).toBe('GET /v1/webhooks');
		expect(request.query.get('total')).toBe('false');
		expect(
			[...request.query.entries()]
				.filter(([name]) => name.startsWith('queries'))
				.map(([, value]) => JSON.parse(value)),
		).toEqual([{ method: 'limit', values: [10] }]);
		expect(items.map((item) => item.json.name)).toEqual(['a', 'b']);
	});

	it('Update: PUT /v1/webhooks/{id} with name, URL, events and settings', async () => {
		const { $id } = await created();
		const [item] = await webhooks({
			operation: 'update',
			webhookId: $id,
			name: 'Orders v2',
			url: 'https://n8n.example.com/webhook/orders-v2',
			events: 'databases.*.tables.*.rows.*.update',
			additionalFields: { enabled: true },
		});
		const request = lastRequest();
		expect(request.line).toBe(`PUT /v1/webhooks/${$id}`);
		expect(request.json).toEqual({
			name: 'Orders v2',
			url: 'https://n8n.example.com/webhook/orders-v2',
			events: ['databases.*.tables.*.rows.*.update'],
			enabled: true,
		});
		expect(item.json).toMatchObject({
			$id,
			name: 'Orders v2',
			events: ['databases.*.tables.*.rows.*.update'],
		});
	});

	it('Rotate Secret: PATCH /v1/webhooks/{id}/secret', async () => {
		const { $id, secret } = await created();
		const [item] = await webhooks({
			operation: 'updateSecret',
			webhookId: $id,
			additionalFields: { secret: 'rotated-secret-0002' },
		});
		const request = lastRequest();
		expect(request.line).toBe(`PATCH /v1/webhooks/${$id}/secret`);
		expect(request.json).toEqual({ secret: 'rotated-secret-0002' });
		expect(item.json.secret).not.toBe(secret);
	});

	it('Delete: DELETE /v1/webhooks/{id}, then { success: true }', async () => {
		const { $id } = await created();
		const items = await webhooks({ operation: 'delete', webhookId: $id });
		expect(lastRequest().line).toBe(`DELETE /v1/webhooks/${$id}`);
		expect(items).toEqual([{ json: { success: true }, pairedItem: { item: 0 } }]);
		expect(fake.webhooks.size).toBe(0);
	});

	it('reports a server without the Webhooks API (self-hosted 1.8) as Appwrite answers it', async () => {
		stub.error(
			'GET',
			'/v1/webhooks',
			404,
			'general_route_not_found',
			'The requested route was not found.',
		);
		const result = await runNode({
			type: 'appwriteWebhooks',
			parameters: { resource: 'webhook', operation: 'getAll', returnAll: true },
			credentials: appwrite.credentials(),
		});
		expect(result.status).toBe('error');
		expect((result.error as { httpCode?: string }).httpCode).toBe('404');
		expect(result.error?.description).toMatch(/an Appwrite API that has this action/);
	});
});
