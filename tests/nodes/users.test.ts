import { Query } from 'node-appwrite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { appwriteCredentials, runNode } from '../support/engine';
import type { RecordedRequest } from '../support/stub-server';
import { refusedEndpoint, StubServer } from '../support/stub-server';

let stub: StubServer;
const API_KEY = 'standard_secret_api_key_123';

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

function credentials(endpoint = stub.endpoint) {
	return appwriteCredentials(endpoint, API_KEY);
}

function user(id: string, extra: Record<string, unknown> = {}) {
	return {
		$id: id,
		name: `User ${id}`,
		email: `${id}@example.com`,
		status: true,
		labels: [],
		prefs: {},
		...extra,
	};
}

async function users(
	parameters: Record<string, unknown>,
	items = [{ json: {} }],
	continueOnFail = false,
) {
	return await runNode({
		type: 'appwriteUsers',
		parameters,
		credentials: credentials(),
		items,
		continueOnFail,
	});
}

function only(requests: RecordedRequest[]): RecordedRequest {
	expect(requests).toHaveLength(1);
	return requests[0];
}

describe('Appwrite Users node, every action through the n8n engine and node-appwrite', () => {
	it('Create sends one POST with the given fields and an ID from ID.unique() when left empty', async () => {
		stub.on('POST', '/v1/users', (request) => ({
			status: 201,
			json: user((request.json as { userId: string }).userId),
		}));
		const result = await users({
			resource: 'user',
			operation: 'create',
			userId: '',
			additionalFields: {
				email: 'ann@example.com',
				name: 'Ann',
				password: 'correct horse',
				phone: '+14155550100',
			},
		});
		const request = only(stub.requests);
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/v1/users');
		expect(request.headers['x-appwrite-project']).toBe('test-project');
		expect(request.headers['x-appwrite-key']).toBe(API_KEY);
		const body = request.json as Record<string, string>;
		expect(body).toEqual({
			userId: expect.stringMatching(/^[0-9a-f]{20}$/),
			email: 'ann@example.com',
			name: 'Ann',
			password: 'correct horse',
			phone: '+14155550100',
		});
		expect(body.userId).not.toBe('unique()');
		expect(result.output()).toEqual([{ json: user(body.userId), pairedItem: { item: 0 } }]);
	});

	it('Create with verification flags, labels and preferences calls the follow-up methods, false included', async () => {
		stub.on('POST', '/v1/users', { status: 201, json: user('ann') });
		stub.on('PATCH', '/v1/users/:userId/verification', (request) => ({
			json: user('ann', {
				emailVerification: (request.json as { emailVerification: boolean }).emailVerification,
			}),
		}));
		stub.on('PATCH', '/v1/users/:userId/verification/phone', {
			json: user('ann', { phoneVerification: false }),
		});
		stub.on('PUT', '/v1/users/:userId/labels', { json: user('ann', { labels: ['vip', 'beta'] }) });
		stub.on('PATCH', '/v1/users/:userId/prefs', { json: { theme: 'dark' } });
		stub.on('GET', '/v1/users/:userId', {
			json: user('ann', { labels: ['vip', 'beta'], prefs: { theme: 'dark' } }),
		});
		const result = await users({
			resource: 'user',
			operation: 'create',
			userId: 'ann',
			additionalFields: {
				email: 'ann@example.com',
				emailVerification: true,
				phoneVerification: false,
				labels: 'vip, beta',
				prefs: '{"theme":"dark"}',
			},
		});
		expect(stub.requests.map((request) => [request.method, request.path, request.json])).toEqual([
			['POST', '/v1/users', { userId: 'ann', email: 'ann@example.com' }],
			['PATCH', '/v1/users/ann/verification', { emailVerification: true }],
			['PATCH', '/v1/users/ann/verification/phone', { phoneVerification: false }],
			['PUT', '/v1/users/ann/labels', { labels: ['vip', 'beta'] }],
			['PATCH', '/v1/users/ann/prefs', { prefs: { theme: 'dark' } }],
			['GET', '/v1/users/ann', undefined],
		]);
		// The item is the user, not just the preferences updatePrefs answers with.
		expect(result.output()).toEqual([
			{
				json: user('ann', { labels: ['vip', 'beta'], prefs: { theme: 'dark' } }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Get reads the user ID per item from an expression, one request and one paired item per input item', async () => {
		stub.on('GET', '/v1/users/:userId', (request) => ({ json: user(request.params.userId) }));
		const result = await users({ resource: 'user', operation: 'get', userId: '={{ $json.id }}' }, [
			{ json: { id: 'a' } },
			{ json: { id: 'b' } },
			{ json: { id: 'c' } },
		]);
		expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /v1/users/a',
			'GET /v1/users/b',
			'GET /v1/users/c',
		]);
		expect(result.output()).toEqual([
			{ json: user('a'), pairedItem: { item: 0 } },
			{ json: user('b'), pairedItem: { item: 1 } },
			{ json: user('c'), pairedItem: { item: 2 } },
		]);
	});

	it('Get Many returns one item per user, with the user’s queries and search, up to the limit', async () => {
		stub.on('GET', '/v1/users', { json: { total: 3, users: [user('a'), user('b'), user('c')] } });
		const result = await users({
			resource: 'user',
			operation: 'getAll',
			returnAll: false,
			limit: 3,
			additionalFields: {
				search: 'ann',
				total: false,
				queries: {
					conditions: [
						{ method: 'equal', attribute: 'status', valueType: 'boolean', value: 'true' },
					],
				},
			},
		});
		const request = only(stub.requests);
		expect(request.path).toBe('/v1/users');
		expect(request.query.get('search')).toBe('ann');
		expect(request.query.get('total')).toBe('false');
		expect([request.query.get('queries[0]'), request.query.get('queries[1]')]).toEqual([
			Query.equal('status', true),
			Query.limit(3),
		]);
		expect(result.output().map((item) => item.json.$id)).toEqual(['a', 'b', 'c']);
		expect(result.output().every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
	});

	it('Get Many with Return All follows the cursor across pages; One Item per Page keeps the raw pages', async () => {
		const all = Array.from({ length: 130 }, (_, index) => user(`u${index}`));
		stub.on('GET', '/v1/users', (request) => {
			const queries = [...request.query.entries()]
				.filter(([key]) => key.startsWith('queries'))
				.map(([, value]) => JSON.parse(value));
			const limit = queries.find((query) => query.method === 'limit').values[0];
			const after = queries.find((query) => query.method === 'cursorAfter')?.values[0];
			const start = after ? all.findIndex((entry) => entry.$id === after) + 1 : 0;
			return { json: { total: all.length, users: all.slice(start, start + limit) } };
		});
		const records = await users({
			resource: 'user',
			operation: 'getAll',
			returnAll: true,
			pageSize: 100,
		});
		expect(records.output().map((item) => item.json.$id)).toEqual(all.map((entry) => entry.$id));
		// The second page is short and the total agrees: no empty third request.
		expect(stub.requests).toHaveLength(2);
		stub.requests.length = 0;
		const whole = await users({ resource: 'user', operation: 'getAll', returnAll: true });
		expect(whole.output()).toHaveLength(130);
		expect(stub.requests.map((request) => request.query.get('queries[0]'))).toEqual([
			Query.limit(5000),
		]);
		stub.requests.length = 0;
		const pages = await users({
			resource: 'user',
			operation: 'getAll',
			returnAll: true,
			pageSize: 100,
			listOutput: 'pages',
		});
		expect(
			pages.output().map((item) => [item.json.total, (item.json.users as unknown[]).length]),
		).toEqual([
			[130, 100],
			[130, 30],
		]);
	});

	it('Update calls only the methods for the fields given, in order, then returns the fresh user', async () => {
		stub.on('PATCH', '/v1/users/:userId/name', { json: user('ann') });
		stub.on('PATCH', '/v1/users/:userId/phone', { json: user('ann') });
		stub.on('PATCH', '/v1/users/:userId/status', { json: user('ann', { status: false }) });
		stub.on('GET', '/v1/users/:userId', { json: user('ann', { name: 'Ann B', status: false }) });
		const result = await users({
			resource: 'user',
			operation: 'update',
			userId: 'ann',
			additionalFields: { name: 'Ann B', number: '+14155550100', status: false },
		});
		expect(stub.requests.map((request) => [request.method, request.path, request.json])).toEqual([
			['PATCH', '/v1/users/ann/name', { name: 'Ann B' }],
			['PATCH', '/v1/users/ann/phone', { number: '+14155550100' }],
			['PATCH', '/v1/users/ann/status', { status: false }],
			['GET', '/v1/users/ann', undefined],
		]);
		expect(result.output()[0].json).toMatchObject({ name: 'Ann B', status: false });
	});

	it('Update with an empty label list clears the labels', async () => {
		stub.on('PUT', '/v1/users/:userId/labels', { json: user('ann') });
		stub.on('GET', '/v1/users/:userId', { json: user('ann') });
		await users({
			resource: 'user',
			operation: 'update',
			userId: 'ann',
			additionalFields: { labels: '' },
		});
		expect(stub.requests[0].json).toEqual({ labels: [] });
	});

	it('Delete answers { success: true }', async () => {
		stub.on('DELETE', '/v1/users/:userId', { status: 204 });
		const result = await users({ resource: 'user', operation: 'delete', userId: 'ann' });
		expect(only(stub.requests).path).toBe('/v1/users/ann');
		expect(result.output()).toEqual([{ json: { success: true }, pairedItem: { item: 0 } }]);
	});

	it('Get Preferences returns the preferences object', async () => {
		stub.on('GET', '/v1/users/:userId/prefs', { json: { theme: 'dark', count: 3 } });
		const result = await users({ resource: 'user', operation: 'getPreferences', userId: 'ann' });
		expect(only(stub.requests).path).toBe('/v1/users/ann/prefs');
		expect(result.output()[0].json).toEqual({ theme: 'dark', count: 3 });
	});

	it('Get Identities, Get Logs and Get Memberships list their records', async () => {
		stub.on('GET', '/v1/users/identities', {
			json: { total: 1, identities: [{ $id: 'i1', provider: 'github' }] },
		});
		stub.on('GET', '/v1/users/:userId/logs', {
			json: { total: 2, logs: [{ event: 'session.create' }, { event: 'user.update' }] },
		});
		stub.on('GET', '/v1/users/:userId/memberships', {
			json: { total: 1, memberships: [{ $id: 'm1', teamId: 't1' }] },
		});
		const identities = await users({
			resource: 'user',
			operation: 'getIdentities',
			returnAll: true,
		});
		const logs = await users({ resource: 'user', operation: 'getLogs', userId: 'ann', limit: 10 });
		const memberships = await users({
			resource: 'user',
			operation: 'getMemberships',
			userId: 'ann',
			returnAll: true,
		});
		expect(stub.requests.map((request) => request.path)).toEqual([
			'/v1/users/identities',
			'/v1/users/ann/logs',
			'/v1/users/ann/memberships',
		]);
		expect(stub.requests[1].query.get('queries[0]')).toBe(Query.limit(10));
		expect(identities.output().map((item) => item.json)).toEqual([
			{ $id: 'i1', provider: 'github' },
		]);
		expect(logs.output().map((item) => item.json.event)).toEqual(['session.create', 'user.update']);
		expect(memberships.output().map((item) => item.json.teamId)).toEqual(['t1']);
	});

	it('Session Get Many, Delete and Delete All', async () => {
		stub.on('GET', '/v1/users/:userId/sessions', {
			json: { total: 2, sessions: [{ $id: 's1' }, { $id: 's2' }] },
		});
		stub.on('DELETE', '/v1/users/:userId/sessions/:sessionId', { status: 204 });
		stub.on('DELETE', '/v1/users/:userId/sessions', { status: 204 });
		const list = await users({
			resource: 'session',
			operation: 'getAll',
			userId: 'ann',
			returnAll: true,
		});
		const one = await users({
			resource: 'session',
			operation: 'delete',
			userId: 'ann',
			sessionId: 's1',
		});
		const all = await users({ resource: 'session', operation: 'deleteAll', userId: 'ann' });
		expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /v1/users/ann/sessions',
			'DELETE /v1/users/ann/sessions/s1',
			'DELETE /v1/users/ann/sessions',
		]);
		expect(list.output().map((item) => item.json.$id)).toEqual(['s1', 's2']);
		expect(one.output()[0].json).toEqual({ success: true });
		expect(all.output()[0].json).toEqual({ success: true });
	});
});

describe('input conversion and bad input', () => {
	it('fails just the bad item, before any request, naming the field and the item', async () => {
		stub.on('PATCH', '/v1/users/:userId/prefs', { json: {} });
		stub.on('GET', '/v1/users/:userId', { json: user('ann') });
		const result = await users(
			{
				resource: 'user',
				operation: 'update',
				userId: 'ann',
				additionalFields: { prefs: '={{ $json.prefs }}' },
			},
			[
				{ json: { prefs: '{"ok":true}' } },
				{ json: { prefs: '{not json' } },
				{ json: { prefs: '[1,2]' } },
			],
			true,
		);
		const output = result.output();
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.$id).toBe('ann');
		expect(output[1].json.error).toMatch(
			/^The field "Preferences" is not valid JSON .* \[item 1\]$/,
		);
		expect(output[2].json.error).toBe(
			'The field "Preferences" must be a JSON object, like {"key": "value"} [item 2]',
		);
		expect(stub.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
	});

	it('Limit and Page Size from an expression are checked per item before any request', async () => {
		stub.on('GET', '/v1/users', { json: { total: 1, users: [user('ann')] } });
		const run = (paging: Record<string, unknown>) =>
			users(
				{ resource: 'user', operation: 'getAll', ...paging },
				[{ json: { n: 0 } }, { json: { n: 1 } }],
				true,
			);
		const limited = (await run({ returnAll: false, limit: '={{ $json.n }}' })).output();
		expect(limited.map((item) => item.json.error ?? item.json.$id)).toEqual([
			'The field "Limit" must be a whole number of at least 1, got 0 [item 0]',
			'ann',
		]);
		const paged = (await run({ returnAll: true, pageSize: '={{ $json.n * 6000 }}' })).output();
		expect(paged.map((item) => item.json.error)).toEqual([
			'The field "Page Size" must be a whole number from 1 to 5000, got 0 [item 0]',
			'The field "Page Size" must be a whole number from 1 to 5000, got 6000 [item 1]',
		]);
		expect(paged.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(stub.requests).toHaveLength(1);
	});

	it('stops the workflow on bad input without Continue On Fail, with no request sent', async () => {
		const result = await users({ resource: 'user', operation: 'get', userId: '={{ $json.id }}' }, [
			{ json: { id: '' } },
		]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The field "User ID" is required but empty [item 0]');
		expect(stub.requests).toHaveLength(0);
	});

	it('accepts booleans and lists from expressions', async () => {
		stub.on('PATCH', '/v1/users/:userId/verification', { json: user('ann') });
		stub.on('PUT', '/v1/users/:userId/labels', { json: user('ann') });
		stub.on('GET', '/v1/users/:userId', { json: user('ann') });
		await users({
			resource: 'user',
			operation: 'update',
			userId: 'ann',
			additionalFields: { emailVerification: '={{ "false" }}', labels: '={{ ["a", "b"] }}' },
		});
		expect(stub.requests.slice(0, 2).map((request) => request.json)).toEqual([
			{ emailVerification: false },
			{ labels: ['a', 'b'] },
		]);
	});

	it('turns large integers from json-bigint into JSON-safe values', async () => {
		stub.on('GET', '/v1/users/:userId/prefs', {
			body: '{"small":12,"huge":1234567890123456789,"nested":{"n":9007199254740993}}',
			headers: { 'content-type': 'application/json' },
		});
		const result = await users({ resource: 'user', operation: 'getPreferences', userId: 'ann' });
		expect(result.output()[0].json).toEqual({
			small: 12,
			huge: '1234567890123456789',
			nested: { n: '9007199254740993' },
		});
	});
});

describe('errors', () => {
	it.each([
		[
			401,
			'general_unauthorized_scope',
			'app.x (role: applications) missing scope (users.read)',
			/lacks the scope/,
		],
		[403, 'general_access_forbidden', 'Access forbidden', /refused the request/],
		[404, 'user_not_found', 'User with the requested ID could not be found.', /check the IDs/],
		[
			409,
			'user_already_exists',
			'A user with the same id, email, or phone already exists in this project.',
			/already exists/,
		],
		[
			429,
			'general_rate_limit_exceeded',
			'Rate limit for the current endpoint has been exceeded.',
			/rate-limited/,
		],
		[500, 'general_unknown', 'Server Error', /internal error/],
	])(
		'maps HTTP %i to an n8n error with status, type, message and hint',
		async (status, type, message, hint) => {
			stub.error('GET', '/v1/users/:userId', status, type, message);
			const failed = await users({ resource: 'user', operation: 'get', userId: 'ann' });
			expect(failed.status).toBe('error');
			expect(failed.error?.message).toBe(message);
			expect(failed.error?.description).toMatch(hint);
			expect(failed.error?.description).toContain(type);
			expect((failed.error as { httpCode?: string }).httpCode).toBe(String(status));
			expect(JSON.stringify(failed.error)).not.toContain(API_KEY);

			const continued = await users(
				{ resource: 'user', operation: 'get', userId: 'ann' },
				[{ json: {} }],
				true,
			);
			expect(continued.output()).toEqual([
				{
					json: expect.objectContaining({ error: message, httpCode: String(status), type }),
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	it('gives exactly one error item per failed item with Continue On Fail, in order', async () => {
		stub.on('GET', '/v1/users/:userId', (request) =>
			request.params.userId.startsWith('bad')
				? { status: 404, json: { message: 'User not found', code: 404, type: 'user_not_found' } }
				: { json: user(request.params.userId) },
		);
		const ids = ['a', 'bad1', 'b', 'bad2', 'c'];
		const result = await users(
			{ resource: 'user', operation: 'get', userId: '={{ $json.id }}' },
			ids.map((id) => ({ json: { id } })),
			true,
		);
		const output = result.output();
		expect(output.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		expect(output.map((item) => item.json.$id ?? item.json.error)).toEqual([
			'a',
			'User not found',
			'b',
			'User not found',
			'c',
		]);
	});

	it('explains a refused connection, naming the endpoint and never the key', async () => {
		const endpoint = await refusedEndpoint();
		const result = await runNode({
			type: 'appwriteUsers',
			parameters: { resource: 'user', operation: 'get', userId: 'ann' },
			credentials: credentials(endpoint),
		});
		expect(result.error?.message).toBe(
			`Could not reach Appwrite at ${endpoint}: the connection was refused (is Appwrite running there, and is the port right?)`,
		);
		expect(JSON.stringify(result.error)).not.toContain(API_KEY);
	});

	it('accepts the endpoint with or without /v1 and a trailing slash', async () => {
		stub.on('GET', '/v1/users/:userId', { json: user('ann') });
		const base = stub.endpoint.replace(/\/v1$/, '');
		for (const endpoint of [base, `${base}/`, `${base}/v1`, `${base}/v1/`]) {
			const result = await runNode({
				type: 'appwriteUsers',
				parameters: { resource: 'user', operation: 'get', userId: 'ann' },
				credentials: credentials(endpoint),
			});
			expect(result.output()[0].json.$id).toBe('ann');
		}
		expect(stub.requests.map((request) => request.path)).toEqual(Array(4).fill('/v1/users/ann'));
	});

	it('fails every item with a clear message when the endpoint is not a URL', async () => {
		const result = await runNode({
			type: 'appwriteUsers',
			parameters: { resource: 'user', operation: 'get', userId: 'ann' },
			credentials: credentials('appwrite.example.com'),
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});
		expect(result.output().map((item) => item.json.error)).toEqual([
			expect.stringContaining('"appwrite.example.com" is not a URL'),
			expect.stringContaining('"appwrite.example.com" is not a URL'),
		]);
	});
});
