/**
 * The Appwrite Polling Trigger in n8n's engine (n8n-core's PollContext) with the real node-appwrite
 * SDK against the recording stub, whose rows answer list queries the way Appwrite does.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { AppwriteFake } from '../support/appwrite-fake';
import { useFakeAppwriteStub } from '../support/fake-appwrite-stub';
import type { StubServer } from '../support/stub-server';
import { TriggerHarness } from '../support/trigger-engine';

const API_KEY = 'polling-test-api-key-9d1e';
const appwrite = useFakeAppwriteStub(API_KEY);
let stub: StubServer;
let fake: AppwriteFake;

beforeEach(() => {
	({ stub, fake } = appwrite);
	fake.table('shop', 'orders');
});

const rl = (value: string) => ({ __rl: true, mode: 'list', value });

async function poller(parameters: Record<string, unknown> = {}) {
	return await TriggerHarness.create({
		type: 'appwritePollingTrigger',
		parameters: {
			resource: 'row',
			databaseId: rl('shop'),
			tableId: rl('orders'),
			watch: 'created',
			...parameters,
		},
		credentials: appwrite.credentials(),
	});
}

const idsOf = (result: Awaited<ReturnType<TriggerHarness['poll']>>) =>
	result ? result[0].map((item) => item.json.$id) : [];

describe('the polling trigger', () => {
	it('emits nothing on its first poll after activation, however many rows exist, then each new row once', async () => {
		await fake.createRow('shop', 'orders', { total: 1 }, 'old1');
		await fake.createRow('shop', 'orders', { total: 2 }, 'old2');
		const trigger = await poller();
		expect(await trigger.poll('trigger', 'activate')).toBeNull();
		expect(await trigger.poll()).toBeNull();
		await fake.createRow('shop', 'orders', { total: 3 }, 'new1');
		await fake.createRow('shop', 'orders', { total: 4 }, 'new2');
		const result = await trigger.poll();
		expect(idsOf(result)).toEqual(['new1', 'new2']);
		expect(result?.[0][1].json).toMatchObject({ $id: 'new2', total: 4, $tableId: 'orders' });
		expect(await trigger.poll()).toBeNull();
	});

	it('lists with the cursor queries, the chosen IDs, and without counting totals', async () => {
		const trigger = await poller();
		await trigger.poll('trigger', 'activate');
		stub.requests.length = 0;
		await fake.createRow('shop', 'orders', {}, 'a1');
		await trigger.poll();
		const [request] = stub.requests;
		expect(`${request.method} ${request.path}`).toBe('GET /v1/tablesdb/shop/tables/orders/rows');
		expect(request.headers['x-appwrite-key']).toBe(API_KEY);
		expect(request.query.get('total')).toBe('false');
		const queries = [...request.query.entries()]
			.filter(([name]) => name.startsWith('queries'))
			.map(([, value]) => JSON.parse(value));
		expect(queries).toEqual([
			{ method: 'orderAsc', attribute: '$createdAt' },
			{ method: 'orderAsc', attribute: '$id' },
			{ method: 'limit', values: [5000] },
		]);
	});

	it('after a restart continues where it stopped: nothing lost, nothing repeated', async () => {
		const trigger = await poller();
		await trigger.poll('trigger', 'activate');
		await fake.createRow('shop', 'orders', {}, 'a1');
		expect(idsOf(await trigger.poll())).toEqual(['a1']);
		const restarted = trigger.restart();
		await fake.createRow('shop', 'orders', {}, 'a2');
		expect(idsOf(await restarted.poll('trigger', 'init'))).toEqual(['a2']);
		expect(idsOf(await restarted.poll())).toEqual([]);
	});

	it('reads all pages of a burst in one poll (250 rows in one millisecond)', async () => {
		const trigger = await poller();
		await trigger.poll('trigger', 'activate');
		const at = fake.now();
		const rows = fake.table('shop', 'orders');
		for (let index = 0; index < 250; index++)
			rows.push({ $id: `b${String(index).padStart(3, '0')}`, $createdAt: at, $updatedAt: at });
		const result = await trigger.poll();
		expect(idsOf(result)).toHaveLength(250);
		expect(new Set(idsOf(result)).size).toBe(250);
		expect(await trigger.poll()).toBeNull();
	});

	it('watching updates emits changed rows, once per version, and not new ones', async () => {
		const trigger = await poller({ watch: 'updated' });
		await fake.createRow('shop', 'orders', { status: 'new' }, 'o1');
		await trigger.poll('trigger', 'activate');
		await fake.createRow('shop', 'orders', { status: 'new' }, 'o2');
		const [o1] = fake.table('shop', 'orders');
		Object.assign(o1, { status: 'paid', $updatedAt: fake.now() });
		expect(idsOf(await trigger.poll())).toEqual(['o1']);
		Object.assign(o1, { status: 'shipped', $updatedAt: fake.now() });
		expect((await trigger.poll())?.[0].map((item) => item.json.status)).toEqual(['shipped']);
	});

	it('starts afresh, emitting nothing, when the watched table changes', async () => {
		fake.table('shop', 'refunds');
		const trigger = await poller();
		await trigger.poll('trigger', 'activate');
		const moved = await TriggerHarness.create({
			type: 'appwritePollingTrigger',
			parameters: {
				resource: 'row',
				databaseId: rl('shop'),
				tableId: rl('refunds'),
				watch: 'created',
			},
			credentials: appwrite.credentials(),
			staticData: JSON.parse(JSON.stringify(trigger.workflow.staticData)),
		});
		await fake.createRow('shop', 'refunds', {}, 'r1');
		expect(await moved.poll('trigger', 'update')).toBeNull();
		await fake.createRow('shop', 'refunds', {}, 'r2');
		expect(idsOf(await moved.poll())).toEqual(['r2']);
	});

	it('on "Fetch test event" returns the newest row and moves no cursor', async () => {
		await fake.createRow('shop', 'orders', { total: 1 }, 'first');
		await fake.createRow('shop', 'orders', { total: 2 }, 'newest');
		const trigger = await poller();
		expect(idsOf(await trigger.poll('manual', 'manual'))).toEqual(['newest']);
		expect(trigger.staticData).toEqual({});
	});

	it('on "Fetch test event" of an empty table says what to do', async () => {
		const trigger = await poller();
		await expect(trigger.poll('manual', 'manual')).rejects.toThrow(
			'There is no row yet: add one in Appwrite, then fetch again',
		);
	});

	it('refuses an empty or malformed ID before any request', async () => {
		const trigger = await poller({ tableId: rl('') });
		await expect(trigger.poll()).rejects.toThrow('Table is empty: choose a table');
		const malformed = await poller({ databaseId: { __rl: true, mode: 'id', value: '*' } });
		await expect(malformed.poll()).rejects.toThrow('Database "*" is not an Appwrite ID');
		expect(stub.requests).toEqual([]);
	});

	it('reports Appwrite errors with their status and hint, never the key', async () => {
		stub.error(
			'GET',
			'/v1/tablesdb/shop/tables/orders/rows',
			401,
			'general_unauthorized_scope',
			'app (role: applications) missing scopes (["rows.read"])',
		);
		const trigger = await poller();
		const failure = await trigger.poll('trigger', 'activate').then(
			() => undefined,
			(error: unknown) => error as { httpCode?: string; message: string; description?: string },
		);
		expect(failure?.httpCode).toBe('401');
		expect(failure?.message).toContain('rows.read');
		expect(JSON.stringify(failure)).not.toContain(API_KEY);
	});
});
