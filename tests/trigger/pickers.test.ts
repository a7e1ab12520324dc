/**
 * The triggers' "From list" pickers and Events options as the editor loads them (n8n-core's
 * LoadOptionsContext), through the shared list search (src/list-search.ts) and node-appwrite,
 * against the recording stub.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { appwriteCredentials } from '../support/engine';
import { StubServer } from '../support/stub-server';
import { TriggerHarness } from '../support/trigger-engine';

const API_KEY = 'picker-test-api-key-77aa';
let stub: StubServer;

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

const rl = (value: string) => ({ __rl: true, mode: 'list', value });
const credentials = () => appwriteCredentials(stub.endpoint, API_KEY);

async function webhookTrigger(parameters: Record<string, unknown> = {}) {
	return await TriggerHarness.create({
		type: 'appwriteTrigger',
		parameters: {
			registration: 'automatic',
			resource: 'row',
			databaseId: rl('*'),
			tableId: rl('*'),
			actions: ['create'],
			...parameters,
		},
		credentials: credentials(),
	});
}

function queriesOf(index = 0) {
	return [...stub.requests[index].query.entries()]
		.filter(([name]) => name.startsWith('queries'))
		.map(([, value]) => JSON.parse(value));
}

describe('the database, table, bucket… pickers', () => {
	it('list by name with Appwrite\'s search and offer "Any" first on the webhook trigger', async () => {
		stub.on('GET', '/v1/tablesdb', {
			json: {
				total: 2,
				databases: [
					{ $id: 'shop', name: 'Shop' },
					{ $id: 'crm', name: '' },
				],
			},
		});
		const trigger = await webhookTrigger();
		expect(await trigger.listSearch('searchDatabases')).toEqual({
			results: [
				{ name: 'Any Database', value: '*' },
				{ name: 'Shop (shop)', value: 'shop' },
				{ name: 'crm', value: 'crm' },
			],
			paginationToken: undefined,
		});
		expect(stub.requests[0].headers['x-appwrite-key']).toBe(API_KEY);
		expect(queriesOf()).toEqual([{ method: 'limit', values: [100] }]);

		stub.requests.length = 0;
		const searched = await trigger.listSearch('searchDatabases', 'sho');
		expect(stub.requests[0].query.get('search')).toBe('sho');
		expect(searched.results[0]).toEqual({ name: 'Shop (shop)', value: 'shop' });
	});

	it("page with Appwrite's cursor: a full page gives a token, the next request starts after it", async () => {
		const page = Array.from({ length: 100 }, (_, index) => ({
			$id: `b${index}`,
			name: `Bucket ${index}`,
		}));
		stub.on('GET', '/v1/storage/buckets', (request) =>
			request.query.toString().includes('cursorAfter')
				? { json: { total: 0, buckets: [{ $id: 'b100', name: 'Last' }] } }
				: { json: { total: 0, buckets: page } },
		);
		const trigger = await webhookTrigger({ resource: 'file', bucketId: rl('*') });
		const first = await trigger.listSearch('searchBuckets');
		expect(first.results).toHaveLength(101);
		expect(first.paginationToken).toBe('b99');
		const second = await trigger.listSearch(
			'searchBuckets',
			undefined,
			first.paginationToken as string,
		);
		expect(second).toEqual({
			results: [{ name: 'Last (b100)', value: 'b100' }],
			paginationToken: undefined,
		});
		expect(queriesOf(1)).toEqual([
			{ method: 'limit', values: [100] },
			{ method: 'cursorAfter', values: ['b99'] },
		]);
	});

	it('list a database\'s tables, and only "Any table" below "Any database" (no request)', async () => {
		stub.on('GET', '/v1/tablesdb/shop/tables', {
			json: { total: 1, tables: [{ $id: 'orders', name: 'Orders' }] },
		});
		const trigger = await webhookTrigger();
		expect(
			(
				await trigger.listSearch('searchTables', undefined, undefined, {
					resource: 'row',
					databaseId: rl('*'),
				})
			).results,
		).toEqual([{ name: 'Any Table', value: '*' }]);
		expect(stub.requests).toEqual([]);
		const tables = await trigger.listSearch('searchTables', undefined, undefined, {
			resource: 'row',
			databaseId: rl('shop'),
		});
		expect(tables.results).toEqual([
			{ name: 'Any Table', value: '*' },
			{ name: 'Orders (orders)', value: 'orders' },
		]);
		expect(stub.requests.map((request) => request.path)).toEqual(['/v1/tablesdb/shop/tables']);
	});

	it('show users by name, else email or phone', async () => {
		stub.on('GET', '/v1/users', {
			json: {
				total: 3,
				users: [
					{ $id: 'u1', name: 'Ann', email: 'ann@example.com' },
					{ $id: 'u2', name: '', email: 'bob@example.com' },
					{ $id: 'u3', name: '', email: '', phone: '+14155550100' },
				],
			},
		});
		const trigger = await webhookTrigger({ resource: 'session', userId: rl('*') });
		expect((await trigger.listSearch('searchUsers')).results.map((result) => result.name)).toEqual([
			'Any User',
			'Ann (u1)',
			'bob@example.com (u2)',
			'+14155550100 (u3)',
		]);
	});

	it('have no "Any" entry on the polling trigger, which watches one list', async () => {
		stub.on('GET', '/v1/functions', {
			json: { total: 1, functions: [{ $id: 'fn1', name: 'Resize' }] },
		});
		const trigger = await TriggerHarness.create({
			type: 'appwritePollingTrigger',
			parameters: { resource: 'execution', functionId: rl(''), watch: 'updated' },
			credentials: credentials(),
		});
		expect((await trigger.listSearch('searchFunctions')).results).toEqual([
			{ name: 'Resize (fn1)', value: 'fn1' },
		]);
		const rows = await TriggerHarness.create({
			type: 'appwritePollingTrigger',
			parameters: { resource: 'row', databaseId: rl(''), tableId: rl(''), watch: 'created' },
			credentials: credentials(),
		});
		expect((await rows.listSearch('searchTables')).results).toEqual([]);
		expect(stub.requests.map((request) => request.path)).toEqual(['/v1/functions']);
	});

	it("report Appwrite's refusal with its hint, never the key", async () => {
		stub.error(
			'GET',
			'/v1/tablesdb',
			401,
			'general_unauthorized_scope',
			'app (role: applications) missing scopes (["databases.read"])',
		);
		const trigger = await webhookTrigger();
		const failure = await trigger.listSearch('searchDatabases').then(
			() => undefined,
			(error: unknown) => error as { message: string; description?: string },
		);
		expect(failure?.message).toContain('databases.read');
		expect(failure?.description).toMatch(/lacks the scope/);
		expect(JSON.stringify(failure)).not.toContain(API_KEY);
	});
});

describe('the Events options', () => {
	it('name each action by the event it subscribes to, following the pickers', async () => {
		const trigger = await webhookTrigger();
		const options = await trigger.loadOptions('getEventOptions', {
			resource: 'row',
			databaseId: rl('shop'),
			tableId: rl('*'),
		});
		expect(options.map((option) => [option.name, option.value])).toEqual([
			['databases.shop.tables.*.rows.*.create', 'create'],
			['databases.shop.tables.*.rows.*.update', 'update'],
			['databases.shop.tables.*.rows.*.delete', 'delete'],
		]);
		const messages = await trigger.loadOptions('getEventOptions', { resource: 'message' });
		expect(messages.map((option) => option.name)).toEqual([
			'messages.*.create',
			'messages.*.update',
		]);
		expect(stub.requests).toEqual([]);
	});
});
