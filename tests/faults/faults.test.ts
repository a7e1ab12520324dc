import { randomBytes } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { binaryBuffer, binaryItem } from '../support/engine';
import type { Seen, StoredFile } from './fault-server';
import { CHUNK, FaultServer, faults, htmlPage } from './fault-server';
import type { Observed } from './harness';
import { API_KEY, credentialTest, observe, occurrences, record } from './harness';

let server: FaultServer;
/** Another origin: a redirect target that must never receive anything. */
let other: FaultServer;

beforeAll(async () => {
	[server, other] = await Promise.all([FaultServer.start(), FaultServer.start()]);
});
afterAll(async () => Promise.all([server.close(), other.close()]));
beforeEach(() => {
	server.reset();
	other.reset();
});

/** Timeouts are short where a case waits for one, and generous elsewhere so load cannot fail a case. */
const SHORT = 1;

function credential(overrides: Record<string, unknown> = {}) {
	return {
		endpoint: server.endpoint,
		projectId: 'p',
		apiKey: API_KEY,
		selfSigned: false,
		timeout: 10,
		...overrides,
	};
}

interface RunOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	retries?: number;
	timeout?: number;
	endpoint?: string;
}

function run(
	type: string,
	parameters: Record<string, unknown>,
	options: RunOptions = {},
): Promise<Observed> {
	const overrides: Record<string, unknown> = {};
	if (options.timeout) overrides.timeout = options.timeout;
	if (options.endpoint) overrides.endpoint = options.endpoint;
	return observe({
		type,
		parameters,
		credentials: { appwriteApi: credential(overrides) },
		items: options.items,
		continueOnFail: options.continueOnFail,
		retry: options.retries
			? { retryOnFail: true, maxTries: options.retries, waitBetweenTries: 1 }
			: undefined,
	});
}

const users = (parameters: Record<string, unknown>, options?: RunOptions) =>
	run('appwriteUsers', parameters, options);
const getAnn = { resource: 'user', operation: 'get', userId: 'ann' };
const createUser = (userId = '', additionalFields: Record<string, unknown> = {}) => ({
	resource: 'user',
	operation: 'create',
	userId,
	additionalFields,
});

/** The request carrying the upload's chunk number `index`. */
const chunkAt = (index: number) => (request: Seen) =>
	String(request.headers['content-range'] ?? '').startsWith(`bytes ${index * CHUNK}-`);

function upload(fileId: string, content: Buffer, options: RunOptions = {}): Promise<Observed> {
	const items = options.items ?? [binaryItem(content, 'big.bin', 'application/octet-stream')];
	return run(
		'appwriteStorage',
		{ resource: 'file', operation: 'upload', bucketId: 'b1', fileId },
		{ ...options, items },
	);
}

function seedAnn(): void {
	server.users.set('ann', {
		$id: 'ann',
		name: 'Ann',
		email: 'ann@example.com',
		labels: [],
		prefs: {},
	});
}

const is = (method: string, path?: string | RegExp) => (request: Seen) =>
	request.method === method &&
	(path === undefined ||
		(typeof path === 'string' ? request.path === path : path.test(request.path)));

/** A failure case: the run fails (or, with Continue On Fail, every item is an error item). */
function silentSuccesses(observed: Observed): number {
	if (observed.status === 'error') return 0;
	return observed.items.filter((item) => item.json.error === undefined).length;
}

function keyLeaks(observed: { visible?: string; printed: string; message?: string }): number {
	const everywhere = [
		observed.visible ?? observed.message ?? '',
		observed.printed,
		...other.requests.map((request) => JSON.stringify(request.headers)),
	];
	return everywhere.reduce((sum, text) => sum + occurrences(text), 0);
}

/**
 * For a case that must succeed: items that claim a record the server does not hold (or holds
 * incomplete, for a file).
 */
function unbacked(observed: Observed, records: Map<string, { $id: string } | StoredFile>): number {
	return observed.items.filter((item) => {
		const record = records.get(String(item.json.$id));
		return !record || ('parts' in record && record.parts.size < record.chunksTotal);
	}).length;
}

/** Incomplete uploads that no message names. */
function orphans(observed: Observed): number {
	const named = `${observed.error?.message ?? ''} ${observed.items.map((item) => JSON.stringify(item.json)).join(' ')}`;
	return server.incompleteFiles().filter((file) => !named.includes(file.$id)).length;
}

function failureFigures(
	group: string,
	kind: string,
	observed: Observed,
	expectedUsers = server.users.size,
) {
	return {
		group,
		kind,
		silentSuccesses: silentSuccesses(observed),
		duplicates: Math.max(0, server.users.size - expectedUsers),
		orphans: orphans(observed),
		leaks: keyLeaks(observed),
	};
}

describe('redirects', () => {
	it('a read redirected within the same origin is followed', async ({ task }) => {
		seedAnn();
		server.inject(is('GET', '/v1/users/ann'), faults.redirect(302, '/v1/users/ann'));
		const observed = await users(getAnn);
		expect(observed.items.map((item) => item.json.$id)).toEqual(['ann']);
		expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /v1/users/ann',
			'GET /v1/users/ann',
		]);
		record(task, {
			group: 'redirect',
			kind: 'GET redirected within the origin (followed)',
			silentSuccesses: unbacked(observed, server.users),
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	const writes: Array<[string, string, Record<string, unknown>, string]> = [
		['POST', '/v1/users', createUser('bob'), 'POST /v1/users'],
		[
			'PATCH',
			'/v1/users/ann/name',
			{ resource: 'user', operation: 'update', userId: 'ann', additionalFields: { name: 'Anna' } },
			'PATCH /v1/users/ann/name',
		],
		[
			'PUT',
			'/v1/users/ann/labels',
			{ resource: 'user', operation: 'update', userId: 'ann', additionalFields: { labels: 'vip' } },
			'PUT /v1/users/ann/labels',
		],
		[
			'DELETE',
			'/v1/users/ann',
			{ resource: 'user', operation: 'delete', userId: 'ann' },
			'DELETE /v1/users/ann',
		],
	];

	it.for(writes)(
		'%s redirected within the origin is not followed: the item fails naming the address to use',
		async ([method, path, parameters, request], { task }) => {
			seedAnn();
			server.inject(is(method, path), faults.redirect(308, `/appwrite${path}`));
			const observed = await users(parameters);
			expect(observed.status).toBe('error');
			expect(observed.error?.message).toBe(
				`The API endpoint redirects ${request} to ${server.origin}/appwrite${path} (HTTP 308); the node does not follow redirects for writes or to another address, so nothing was sent there`,
			);
			expect(observed.error?.description).toBe(
				`Set the API Endpoint in the credential to ${server.origin}/appwrite/v1.`,
			);
			expect(server.requests).toHaveLength(1);
			expect([...server.users.values()]).toEqual([
				{ $id: 'ann', name: 'Ann', email: 'ann@example.com', labels: [], prefs: {} },
			]);
			record(task, {
				...failureFigures('redirect', `${method} redirected within the origin`, observed, 1),
			});
		},
	);

	it.for([
		['GET', '/v1/users/ann', getAnn, 'GET /v1/users/ann'] as (typeof writes)[number],
		...writes,
	])(
		'%s redirected to another origin (e.g. http → https) is not followed and the key never leaves',
		async ([method, path, parameters, request], { task }) => {
			seedAnn();
			server.inject(is(method, path), faults.redirect(301, `${other.origin}${path}`));
			const observed = await users(parameters);
			expect(observed.status).toBe('error');
			expect(observed.error?.message).toMatch(
				new RegExp(
					`^The API endpoint redirects ${request} to ${other.origin}${path} \\(HTTP 301\\)`,
				),
			);
			expect(observed.error?.description).toBe(
				`Set the API Endpoint in the credential to ${other.endpoint}.`,
			);
			expect(other.requests).toHaveLength(0);
			expect(server.requests).toHaveLength(1);
			record(task, {
				...failureFigures('redirect', `${method} redirected to another origin`, observed, 1),
			});
		},
	);
});

describe('timeouts', () => {
	it('a server that accepts a read and never answers fails after the timeout', async ({ task }) => {
		server.inject(is('GET'), faults.hang());
		const started = Date.now();
		const observed = await users(getAnn, { timeout: SHORT });
		expect(observed.error?.message).toBe(
			'The request timed out after 1 s with no answer from Appwrite to GET /v1/users/ann',
		);
		expect(observed.error?.description).toMatch(/raise the Timeout in the Appwrite credential/);
		expect(Date.now() - started).toBeLessThan(5_000);
		record(task, failureFigures('timeout', 'GET never answered', observed));
	});

	it('a write that gets no answer says it may or may not have been applied', async ({ task }) => {
		server.inject(is('POST', '/v1/users'), faults.hang());
		const observed = await users(createUser('bob'), { timeout: SHORT });
		expect(observed.error?.message).toBe(
			'The request timed out after 1 s with no answer from Appwrite to POST /v1/users; the write may or may not have been applied',
		);
		expect(observed.error?.description).toMatch(
			/Before repeating a write, check whether it was applied\.$/,
		);
		record(task, failureFigures('timeout', 'POST never answered', observed, 0));
	});

	it('an answer that stalls mid-body fails after the timeout', async ({ task }) => {
		seedAnn();
		server.inject(is('GET', '/v1/users/ann'), faults.stallMidBody());
		const observed = await users(getAnn, { timeout: SHORT });
		expect(observed.error?.message).toBe(
			"The request timed out after 1 s: Appwrite's answer to GET /v1/users/ann stopped arriving",
		);
		record(task, failureFigures('timeout', 'GET answer stalled mid-body', observed));
	});

	it('each chunk of an upload has the whole timeout, and a hung chunk names the upload', async ({
		task,
	}) => {
		const content = randomBytes(2 * CHUNK + 10);
		server.inject(chunkAt(1), faults.hang());
		const observed = await upload('big', content, { timeout: SHORT });
		expect(observed.error?.message).toBe(
			`The request timed out after 1 s with no answer from Appwrite to POST /v1/storage/buckets/b1/files; the write may or may not have been applied. The upload "big" is incomplete: 2 of 3 chunks (${CHUNK + 10} of ${content.length} bytes) reached Appwrite. Retry On Fail resumes it under the same ID; otherwise delete the partial upload.`,
		);
		record(task, failureFigures('timeout', 'upload chunk never answered', observed));
	});
});

describe('dropped connections', () => {
	it('a connection reset before the answer to a read', async ({ task }) => {
		server.inject(is('GET'), faults.resetBeforeAnswer());
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			'The connection to Appwrite closed before the answer to GET /v1/users/ann arrived',
		);
		expect(observed.error?.description).toMatch(
			/^Error code: ECONNRESET\. Appwrite or a proxy in front of it dropped the connection/,
		);
		record(task, failureFigures('reset', 'GET reset before the answer', observed));
	});

	it('a connection reset in the middle of the answer, never "terminated"', async ({ task }) => {
		seedAnn();
		server.inject(is('GET'), faults.resetMidAnswer());
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			'The connection to Appwrite closed while the answer to GET /v1/users/ann was arriving',
		);
		record(task, failureFigures('reset', 'GET reset mid-answer', observed));
	});

	it('a create applied before the connection dropped fails saying it may have been applied', async ({
		task,
	}) => {
		server.inject(is('POST', '/v1/users'), faults.applyThenReset());
		const observed = await users(createUser('bob'));
		expect(observed.error?.message).toBe(
			'The connection to Appwrite closed before the answer to POST /v1/users arrived; the write may or may not have been applied',
		);
		expect([...server.users.keys()]).toEqual(['bob']);
		record(task, failureFigures('reset', 'POST applied, then reset', observed, 1));
	});
});

describe('answers that are not Appwrite’s', () => {
	it('an HTML page answering a read (the console URL pasted as endpoint) fails, naming its title', async ({
		task,
	}) => {
		server.inject(
			is('GET'),
			faults.answer({
				status: 200,
				body: htmlPage('Appwrite Console'),
				headers: { 'content-type': 'text/html; charset=utf-8' },
			}),
		);
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			`Appwrite's endpoint answered GET /v1/users/ann with HTTP 200 with text/html instead of JSON: "Appwrite Console"`,
		);
		expect(observed.error?.description).toMatch(
			/^HTTP 200, content type text\/html\. This is not an Appwrite answer: check that the API Endpoint/,
		);
		record(task, failureFigures('not Appwrite', 'GET answered with an HTML page', observed));
	});

	it('an SSO page answering a create fails and says the write may have been applied', async ({
		task,
	}) => {
		server.inject(
			is('POST'),
			faults.answer({
				status: 200,
				body: htmlPage('Sign in – Example SSO'),
				headers: { 'content-type': 'text/html' },
			}),
		);
		const observed = await users(createUser('bob'));
		expect(observed.error?.message).toBe(
			`Appwrite's endpoint answered POST /v1/users with HTTP 200 with text/html instead of JSON: "Sign in – Example SSO"; the write may or may not have been applied`,
		);
		record(task, failureFigures('not Appwrite', 'POST answered with a login page', observed, 0));
	});

	it('an empty 200 fails', async ({ task }) => {
		server.inject(is('GET'), faults.answer({ status: 200 }));
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			`Appwrite's endpoint answered GET /v1/users/ann with HTTP 200 with an empty body where JSON was expected`,
		);
		record(task, failureFigures('not Appwrite', 'GET answered with an empty 200', observed));
	});

	it('malformed JSON fails with an excerpt, never [object Object]', async ({ task }) => {
		server.inject(
			is('POST'),
			faults.applyThenAnswer({
				status: 201,
				body: '{"$id":"bob","name":',
				headers: { 'content-type': 'application/json' },
			}),
		);
		const observed = await users(createUser('bob'));
		expect(observed.error?.message).toBe(
			`Appwrite's endpoint answered POST /v1/users with HTTP 201 with JSON that cannot be read: "{"$id":"bob","name":"; the write may or may not have been applied`,
		);
		record(
			task,
			failureFigures('not Appwrite', 'POST applied, answered with malformed JSON', observed, 1),
		);
	});

	it('a huge page is summarised: a short message, only an excerpt read', async ({ task }) => {
		server.inject(
			is('GET'),
			faults.answer({
				status: 200,
				body: htmlPage('Huge', 20 * 1024 * 1024),
				headers: { 'content-type': 'text/html' },
			}),
		);
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			`Appwrite's endpoint answered GET /v1/users/ann with HTTP 200 with text/html instead of JSON: "Huge"`,
		);
		record(task, failureFigures('not Appwrite', 'GET answered with a 20 MiB page', observed));
	});

	it('a 1 MiB text error becomes a capped message, the status and content type in the description', async ({
		task,
	}) => {
		server.inject(
			is('GET'),
			faults.answer({
				status: 500,
				body: `Fatal error: ${'stack frame '.repeat(90_000)}`,
				headers: { 'content-type': 'text/plain' },
			}),
		);
		const observed = await users(getAnn);
		expect(observed.error?.message.length).toBeLessThanOrEqual(300);
		expect(observed.error?.message).toMatch(
			/^A proxy or gateway in front of Appwrite answered GET \/v1\/users\/ann with HTTP 500: "Fatal error: stack frame stack frame .*…"\.$/,
		);
		expect(observed.error?.description).toMatch(/^HTTP 500, content type text\/plain\./);
		record(task, failureFigures('not Appwrite', 'GET answered with a 1 MiB text error', observed));
	});

	it('an HTML 404 from a proxy is not taken for Appwrite’s', async ({ task }) => {
		server.inject(
			is('GET'),
			faults.answer({
				status: 404,
				body: htmlPage('404 Not Found'),
				headers: { 'content-type': 'text/html' },
			}),
		);
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			`The server answered GET /v1/users/ann with HTTP 404 and text/html, not with Appwrite's JSON: "404 Not Found".`,
		);
		expect(observed.error?.httpCode).toBe('404');
		record(task, failureFigures('not Appwrite', 'GET answered with an HTML 404', observed));
	});
});

describe('proxies and rate limits', () => {
	it.for([
		[502, 'Bad Gateway'],
		[503, 'Service Unavailable'],
		[504, 'Gateway Timeout'],
	] as const)(
		'an HTML %i page says a proxy answered, with Retry-After',
		async ([status, text], { task }) => {
			server.inject(
				is('GET'),
				faults.answer({
					status,
					body: htmlPage(`${status} ${text}`),
					headers: { 'content-type': 'text/html', 'retry-after': '120' },
				}),
			);
			const observed = await users(getAnn);
			expect(observed.error?.message).toBe(
				`A proxy or gateway in front of Appwrite answered GET /v1/users/ann with HTTP ${status} (${text}): "${status} ${text}". Retry after 120 s.`,
			);
			expect(observed.error?.description).toMatch(
				/Appwrite itself answers in JSON, so it may be down, restarting or unreachable from the proxy/,
			);
			record(
				task,
				failureFigures(
					'proxy and rate limit',
					`GET answered by a proxy's ${status} page`,
					observed,
				),
			);
		},
	);

	it('a gateway timeout on a write says the write may have been applied', async ({ task }) => {
		server.inject(
			is('POST'),
			faults.applyThenAnswer({
				status: 504,
				body: htmlPage('504 Gateway Time-out'),
				headers: { 'content-type': 'text/html' },
			}),
		);
		const observed = await users(createUser('bob'));
		expect(observed.error?.message).toBe(
			'A proxy or gateway in front of Appwrite answered POST /v1/users with HTTP 504 (Gateway Timeout): "504 Gateway Time-out"; the write may or may not have been applied.',
		);
		record(
			task,
			failureFigures(
				'proxy and rate limit',
				'POST applied, answered by a proxy’s 504',
				observed,
				1,
			),
		);
	});

	it('Appwrite’s rate limit shows Retry-After', async ({ task }) => {
		server.inject(
			is('GET'),
			faults.answer({
				status: 429,
				json: {
					message: 'Rate limit for the current endpoint has been exceeded.',
					code: 429,
					type: 'general_rate_limit_exceeded',
				},
				headers: { 'retry-after': '30' },
			}),
		);
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			'Rate limit for the current endpoint has been exceeded. Retry after 30 s.',
		);
		expect(observed.error?.httpCode).toBe('429');
		record(
			task,
			failureFigures('proxy and rate limit', 'GET rate-limited with Retry-After', observed),
		);
	});
});

describe('warnings, user data and binary answers', () => {
	it('Appwrite’s warnings become execution hints, not console output', async ({ task }) => {
		seedAnn();
		server.inject(
			is('GET'),
			faults.withHeaders({
				'x-appwrite-warning': 'The SDK is older than the server; Users.get is deprecated',
			}),
		);
		const observed = await users(getAnn);
		expect(observed.items.map((item) => item.json.$id)).toEqual(['ann']);
		expect(observed.hints).toEqual([
			'Appwrite warned: The SDK is older than the server',
			'Appwrite warned: Users.get is deprecated',
		]);
		expect(observed.printed).toBe('');
		record(task, {
			group: 'warnings',
			kind: 'x-appwrite-warning header',
			silentSuccesses: unbacked(observed, server.users),
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	it('user data with keys such as constructorName and __proto__ is read as data, large integers exact', async ({
		task,
	}) => {
		seedAnn();
		server.inject(
			is('GET', '/v1/users/ann/prefs'),
			faults.answer({
				status: 200,
				body: '{"constructorName":"Widget","constructor":{"prototype":{"x":1}},"__proto__":{"isAdmin":true},"big":12345678901234567890}',
				headers: { 'content-type': 'application/json' },
			}),
		);
		const observed = await users({ resource: 'user', operation: 'getPreferences', userId: 'ann' });
		const [item] = observed.items;
		expect(JSON.stringify(item.json)).toBe(
			'{"constructorName":"Widget","constructor":{"prototype":{"x":1}},"__proto__":{"isAdmin":true},"big":"12345678901234567890"}',
		);
		expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
		expect((item.json as Record<string, unknown>).isAdmin).toBeUndefined();
		record(task, {
			group: 'user data',
			kind: 'prototype-named keys and 20-digit integers',
			silentSuccesses: 0,
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	it('a binary answer keeps Appwrite’s Content-Type and a matching extension (an SVG avatar)', async ({
		task,
	}) => {
		const observed = await run('appwriteAvatars', {
			resource: 'avatar',
			operation: 'getInitials',
			additionalFields: { name: 'Ann' },
		});
		const binary = observed.items[0].binary?.data;
		expect(binary).toMatchObject({
			mimeType: 'image/svg+xml',
			fileExtension: 'svg',
			fileName: 'initials-Ann.svg',
		});
		expect(binaryBuffer(observed.items[0]).toString()).toContain('<svg');
		record(task, {
			group: 'binary',
			kind: 'SVG avatar',
			silentSuccesses: 0,
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});
});

describe('Retry On Fail never duplicates', () => {
	const three = [{ json: { name: 'A' } }, { json: { name: 'B' } }, { json: { name: 'C' } }];
	const createNamed = createUser('', { name: '={{ $json.name }}' });

	it.for([
		['the connection drops after Appwrite applied the create', faults.applyThenReset()],
		['no answer comes after Appwrite applied the create', faults.applyThenHang()],
	] as const)('3 items with empty IDs give 3 users when %s', async ([, fault], { task }) => {
		server.inject((request) => request.method === 'POST' && request.json?.name === 'B', fault);
		const observed = await users(createNamed, { items: three, retries: 3, timeout: SHORT });
		expect(observed.status).toBe('success');
		expect(server.users.size).toBe(3);
		expect(observed.items.map((item) => [item.json.name, item.json.$id])).toEqual(
			[...server.users.values()].map((user) => [user.name, user.$id]),
		);
		expect(observed.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		// The retry re-ran every item with the IDs of the first try: two creates found their record and read it back.
		const posts = server.requests.filter((request) => request.method === 'POST');
		expect(posts.map((request) => request.json?.userId)).toEqual(
			[...server.users.keys()]
				.flatMap((id, index) => (index < 2 ? [id] : []))
				.concat([...server.users.keys()]),
		);
		expect(
			server.requests.filter((request) => request.method === 'GET').map((request) => request.path),
		).toEqual([...server.users.keys()].slice(0, 2).map((id) => `/v1/users/${id}`));
		record(task, {
			group: 'retry',
			kind: `create retried after an ambiguous failure (${task.name.includes('drops') ? 'reset' : 'timeout'})`,
			silentSuccesses: unbacked(observed, server.users),
			duplicates: server.users.size - 3,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	it('`unique()` typed as the ID is drawn once too', async ({ task }) => {
		server.inject(is('POST'), faults.applyThenReset());
		const observed = await users(createUser('unique()'), { retries: 2 });
		expect(server.users.size).toBe(1);
		expect(observed.items.map((item) => item.json.$id)).toEqual([...server.users.keys()]);
		record(task, {
			group: 'retry',
			kind: 'create with unique() retried after a reset',
			silentSuccesses: unbacked(observed, server.users),
			duplicates: server.users.size - 1,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	it('a fixed ID taken on retry fails, saying the earlier try may have created the record', async ({
		task,
	}) => {
		server.inject(is('POST'), faults.applyThenReset());
		const observed = await users(createUser('bob'), { retries: 2 });
		expect(observed.status).toBe('error');
		expect(observed.error?.message).toBe(
			'A user with the same id, email, or phone already exists in this project. An earlier try of this item sent a write and got no answer: it may have been applied, which would explain this answer. Check before repeating it.',
		);
		expect(server.users.size).toBe(1);
		record(
			task,
			failureFigures('retry', 'create with a fixed ID retried after a reset', observed, 1),
		);
	});

	it('a delete retried after an unanswered try that applied it fails, saying why Appwrite finds nothing', async ({
		task,
	}) => {
		seedAnn();
		server.inject(is('DELETE'), faults.applyThenReset());
		const observed = await users(
			{ resource: 'user', operation: 'delete', userId: 'ann' },
			{ retries: 2 },
		);
		expect(observed.error?.message).toBe(
			'User with the requested ID could not be found. An earlier try of this item sent a write and got no answer: it may have been applied, which would explain this answer. Check before repeating it.',
		);
		expect(server.users.size).toBe(0);
		record(
			task,
			failureFigures('retry', 'delete retried after an applied, unanswered try', observed, 0),
		);
	});

	it('a failed later step is retried without a second create', async ({ task }) => {
		server.inject(is('PUT', /labels$/), faults.resetBeforeAnswer());
		const observed = await users(createUser('', { labels: 'vip' }), { retries: 2 });
		expect(observed.status).toBe('success');
		expect([...server.users.values()].map((user) => user.labels)).toEqual([['vip']]);
		expect(observed.items[0].json).toMatchObject({
			$id: [...server.users.keys()][0],
			labels: ['vip'],
		});
		record(task, {
			group: 'retry',
			kind: 'create with labels, labels step reset',
			silentSuccesses: unbacked(observed, server.users),
			duplicates: server.users.size - 1,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	it('with Continue On Fail, n8n retries a run whose first item failed, and no item is created twice', async ({
		task,
	}) => {
		server.inject(
			(request) => request.method === 'POST' && request.json?.name === 'A',
			faults.applyThenReset(),
		);
		const observed = await users(createNamed, { items: three, retries: 2, continueOnFail: true });
		expect(observed.items.map((item) => item.json.error)).toEqual([
			undefined,
			undefined,
			undefined,
		]);
		expect(server.users.size).toBe(3);
		record(task, {
			group: 'retry',
			kind: 'Continue On Fail with Retry On Fail',
			silentSuccesses: unbacked(observed, server.users),
			duplicates: server.users.size - 3,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});
});

describe('chunked uploads', () => {
	const content = randomBytes(2 * CHUNK + 1234);
	const fileOf = (observed: Observed) => String(observed.items[0]?.json.$id);

	it.for([
		[
			'answers 500',
			faults.answer({
				status: 500,
				json: { message: 'Server Error', code: 500, type: 'general_unknown' },
			}),
		],
		['resets the connection', faults.resetBeforeAnswer()],
	] as const)(
		'a chunk that fails (Appwrite %s) names the file and what reached Appwrite',
		async ([, fault], { task }) => {
			server.inject(chunkAt(1), fault);
			const observed = await upload('report', content);
			expect(observed.error?.message).toMatch(
				new RegExp(
					`The upload "report" is incomplete: 2 of 3 chunks \\(${CHUNK + 1234} of ${content.length} bytes\\) reached Appwrite\\. Retry On Fail resumes it under the same ID; otherwise delete the partial upload\\.$`,
				),
			);
			expect(server.incompleteFiles().map((file) => file.$id)).toEqual(['report']);
			record(
				task,
				failureFigures(
					'upload',
					`chunk 2 of 3 ${task.name.includes('500') ? 'answered 500' : 'reset'}`,
					observed,
				),
			);
		},
	);

	it('with Retry On Fail a failed chunk is resent alone and the file completes under the same ID', async ({
		task,
	}) => {
		server.inject(chunkAt(1), faults.resetBeforeAnswer());
		const observed = await upload('', content, { retries: 2 });
		expect(observed.status).toBe('success');
		expect([...server.files.keys()]).toEqual([fileOf(observed)]);
		expect(server.contentOf(fileOf(observed)).equals(content)).toBe(true);
		const ranges = server.requests.map((request) => request.headers['content-range']);
		const second = `bytes ${CHUNK}-${2 * CHUNK - 1}/${content.length}`;
		expect(new Set(ranges.slice(0, 3))).toEqual(
			new Set([
				`bytes 0-${CHUNK - 1}/${content.length}`,
				second,
				`bytes ${2 * CHUNK}-${content.length - 1}/${content.length}`,
			]),
		);
		expect(ranges[3]).toBe(second);
		record(task, {
			group: 'upload',
			kind: 'chunk reset, resumed by Retry On Fail',
			silentSuccesses: unbacked(observed, server.files),
			duplicates: server.files.size - 1,
			orphans: orphans(observed),
			leaks: keyLeaks(observed),
		});
	});

	it('a last chunk applied before the connection dropped: the retry finds the file complete and reads it back', async ({
		task,
	}) => {
		server.inject(chunkAt(2), faults.applyThenReset());
		const observed = await upload('', content, { retries: 2 });
		expect(observed.status).toBe('success');
		expect(server.files.size).toBe(1);
		expect(observed.items[0].json).toMatchObject({
			$id: [...server.files.keys()][0],
			chunksUploaded: 3,
			chunksTotal: 3,
		});
		expect(
			server.requests
				.map((request) => `${request.method} ${request.headers['content-range'] ?? request.path}`)
				.slice(-2),
		).toEqual([
			`POST bytes ${2 * CHUNK}-${content.length - 1}/${content.length}`,
			`GET /v1/storage/buckets/b1/files/${fileOf(observed)}`,
		]);
		record(task, {
			group: 'upload',
			kind: 'last chunk applied, then reset; retried',
			silentSuccesses: unbacked(observed, server.files),
			duplicates: server.files.size - 1,
			orphans: orphans(observed),
			leaks: keyLeaks(observed),
		});
	});

	it('a small file applied before the connection dropped is read back on retry, not uploaded twice', async ({
		task,
	}) => {
		server.inject(is('POST'), faults.applyThenReset());
		const observed = await upload('', Buffer.from('hello'), { retries: 2 });
		expect(observed.status).toBe('success');
		expect(server.files.size).toBe(1);
		expect(observed.items[0].json.$id).toBe([...server.files.keys()][0]);
		record(task, {
			group: 'upload',
			kind: 'single-request upload applied, then reset; retried',
			silentSuccesses: unbacked(observed, server.files),
			duplicates: server.files.size - 1,
			orphans: orphans(observed),
			leaks: keyLeaks(observed),
		});
	});
});

describe('partial progress', () => {
	it('a create whose labels step fails names the created user', async ({ task }) => {
		server.inject(
			is('PUT', /labels$/),
			faults.answer({
				status: 400,
				json: {
					message: 'Invalid `labels` param: Value must be a valid array.',
					code: 400,
					type: 'general_argument_invalid',
				},
			}),
		);
		const observed = await users(createUser('', { labels: 'vip', emailVerification: true }));
		const [id] = server.users.keys();
		expect(observed.error?.message).toBe(
			`Invalid \`labels\` param: Value must be a valid array. Already applied before this failure: create, update email verification; the record's ID is "${id}".`,
		);
		record(
			task,
			failureFigures('partial progress', 'create applied, labels step failed', observed, 1),
		);
	});

	it('an update names the steps already applied', async ({ task }) => {
		seedAnn();
		server.inject(is('PUT', /labels$/), faults.resetBeforeAnswer());
		const observed = await users({
			resource: 'user',
			operation: 'update',
			userId: 'ann',
			additionalFields: { name: 'Anna', labels: 'vip' },
		});
		expect(observed.error?.message).toBe(
			`The connection to Appwrite closed before the answer to PUT /v1/users/ann/labels arrived; the write may or may not have been applied. Already applied before this failure: update name; the record's ID is "ann".`,
		);
		expect(server.users.get('ann')?.name).toBe('Anna');
		record(
			task,
			failureFigures('partial progress', 'update name applied, labels step reset', observed, 1),
		);
	});
});

describe('bad input never reaches Appwrite', () => {
	it.for([
		['a path to another route', '../teams/t1'],
		['a query string and fragment', 'u1?x=1#'],
		['an encoded path', '%2e%2e%2fteams'],
		['a slash', 'ann/sessions'],
		['37 characters', 'a'.repeat(37)],
		['a leading underscore', '_ann'],
		['a leading period', '.ann'],
		['a space', 'ann lee'],
		['a non-ASCII letter', 'änn'],
		['unique() where an existing ID is needed', 'unique()'],
		['an object from an expression', '={{ { "id": 1 } }}'],
	] as const)(
		'a User ID with %s fails the item, naming field and item, with no request',
		async ([kind, userId], { task }) => {
			seedAnn();
			const observed = await users(
				{ resource: 'user', operation: 'delete', userId: '={{ $json.id }}' },
				{
					items: [
						{ json: { id: 'ann' } },
						{ json: { id: userId.startsWith('=') ? { id: 1 } : userId } },
					],
					continueOnFail: true,
				},
			);
			expect(observed.items[0].json).toEqual({ success: true });
			expect(observed.items[1].json.error).toMatch(
				/^The field "User ID" must be an Appwrite ID: up to 36 characters a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a period, hyphen or underscore; got ".*" \[item 1\]$/,
			);
			expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
				'DELETE /v1/users/ann',
			]);
			record(task, {
				group: 'bad input',
				kind: `path ID with ${kind}`,
				silentSuccesses: observed.items[1].json.error ? 0 : 1,
				duplicates: 0,
				orphans: 0,
				leaks: keyLeaks(observed),
			});
		},
	);

	it('an empty required ID fails before any request', async ({ task }) => {
		const observed = await users(
			{ resource: 'user', operation: 'delete', userId: '={{ $json.id }}' },
			{ items: [{ json: { id: ' ' } }] },
		);
		expect(observed.error?.message).toBe('The field "User ID" is required but empty [item 0]');
		expect(server.requests).toHaveLength(0);
		record(task, failureFigures('bad input', 'empty required path ID', observed));
	});
});

describe('endpoint hygiene', () => {
	const badEndpoints: Array<[string, () => string, RegExp]> = [
		[
			'the key as user name',
			() => server.endpoint.replace('http://', `http://${API_KEY}@`),
			/^The API endpoint must not contain a user name or password/,
		],
		[
			'the key as password',
			() => server.endpoint.replace('http://', `http://user:${API_KEY}@`),
			/^The API endpoint must not contain a user name or password/,
		],
		[
			'a query string',
			() => `${server.endpoint}?key=${API_KEY}`,
			/^The API endpoint must not contain a query string/,
		],
		['a fragment', () => `${server.endpoint}#${API_KEY}`, /or a fragment/],
		[
			'no scheme and the key before @',
			() => `${API_KEY}@127.0.0.1/v1`,
			/^The API endpoint is not a URL/,
		],
	];
	it.for(badEndpoints)(
		'an endpoint with %s is refused without repeating it, and nothing is sent',
		async ([kind, endpoint, message], { task }) => {
			const observed = await users(getAnn, { endpoint: endpoint() });
			expect(observed.error?.message).toMatch(message);
			expect(observed.error?.description).toBe(
				'Check the API Endpoint in the Appwrite credential.',
			);
			expect(server.requests).toHaveLength(0);
			const tested = await credentialTest(credential({ endpoint: endpoint() }));
			expect(tested.status).toBe('Error');
			expect(tested.message).toMatch(message);
			record(task, {
				...failureFigures('endpoint', `endpoint with ${kind}`, observed),
				leaks: keyLeaks(observed) + keyLeaks(tested),
			});
		},
	);

	it('an upper-case scheme and path work', async ({ task }) => {
		seedAnn();
		const observed = await users(getAnn, {
			endpoint: server.endpoint.replace('http://', 'HTTP://').replace('/v1', '/V1'),
		});
		expect(observed.items.map((item) => item.json.$id)).toEqual(['ann']);
		expect(server.requests.map((request) => request.path)).toEqual(['/v1/users/ann']);
		record(task, {
			group: 'endpoint',
			kind: 'upper-case scheme',
			silentSuccesses: unbacked(observed, server.users),
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});

	it('server text that echoes the key is redacted in messages and hints', async ({ task }) => {
		server.inject(is('GET'), (request, response) => {
			const echoed = `X-Appwrite-Key: ${String(request.headers['x-appwrite-key'])}`;
			response.writeHead(400, { 'content-type': 'text/html', 'x-appwrite-warning': echoed });
			response.end(`<html><head><title>Bad request ${echoed}</title></head></html>`);
		});
		const observed = await users(getAnn);
		expect(observed.error?.message).toBe(
			`The server answered GET /v1/users/ann with HTTP 400 and text/html, not with Appwrite's JSON: "Bad request X-Appwrite-Key: [API key]".`,
		);
		record(
			task,
			failureFigures('key echo', 'a server echoing the key in a page and a warning', observed),
		);
	});
});

describe('TLS and connections', () => {
	let tls: FaultServer;
	beforeAll(async () => {
		tls = await FaultServer.start({ selfSigned: true });
	});
	afterAll(async () => tls.close());

	it('a self-signed certificate is refused unless the credential allows it, saying how', async ({
		task,
	}) => {
		const observed = await users(getAnn, { endpoint: tls.endpoint });
		expect(observed.error?.message).toBe(
			`Could not reach Appwrite at ${tls.endpoint}: the TLS certificate was not accepted (for a self-signed certificate, turn on "Allow Self-Signed Certificates" in the credential)`,
		);
		expect(tls.requests).toHaveLength(0);
		record(
			task,
			failureFigures('TLS and connections', 'self-signed certificate, not allowed', observed),
		);
	});

	it('with self-signed certificates allowed, items share one kept-alive connection, closed when the node ends', async ({
		task,
	}) => {
		tls.users.set('ann', {
			$id: 'ann',
			name: 'Ann',
			email: 'ann@example.com',
			labels: [],
			prefs: {},
		});
		const observed = await observe({
			type: 'appwriteUsers',
			parameters: getAnn,
			credentials: { appwriteApi: credential({ endpoint: tls.endpoint, selfSigned: true }) },
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		expect(observed.items.map((item) => item.json.$id)).toEqual(['ann', 'ann', 'ann']);
		expect(new Set(tls.requests.map((request) => request.remotePort)).size).toBe(1);
		await expect.poll(() => tls.openConnections(), { timeout: 2_000 }).toBe(0);
		record(task, {
			group: 'TLS and connections',
			kind: 'self-signed certificate allowed; connection closed after the run',
			silentSuccesses: unbacked(observed, tls.users),
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(observed),
		});
	});
});

describe('the credential test', () => {
	it.for([
		[
			'a login page',
			() =>
				faults.answer({
					status: 200,
					body: htmlPage('Sign in'),
					headers: { 'content-type': 'text/html' },
				}),
			/^Appwrite's endpoint answered GET \/v1\/health with HTTP 200 with text\/html instead of JSON: "Sign in"/,
		],
		[
			'JSON that is not the health status',
			() => faults.answer({ status: 200, json: { status: 'ok' } }),
			/answered the health check, but not with Appwrite's health status/,
		],
		[
			'a proxy 502 page',
			() =>
				faults.answer({
					status: 502,
					body: htmlPage('502 Bad Gateway'),
					headers: { 'content-type': 'text/html' },
				}),
			/^A proxy or gateway in front of Appwrite answered GET \/v1\/health with HTTP 502/,
		],
		[
			'a redirect to another origin',
			() => faults.redirect(301, `${other.origin}/v1/health`),
			/^The API endpoint redirects GET \/v1\/health to http:\/\/127\.0\.0\.1:\d+\/v1\/health \(HTTP 301\)/,
		],
		[
			'no answer',
			() => faults.hang(),
			/^The request timed out after 1 s with no answer from Appwrite to GET \/v1\/health/,
		],
	] as const)('fails on %s', async ([kind, fault, message], { task }) => {
		server.inject(is('GET', '/v1/health'), fault());
		const tested = await credentialTest(credential({ timeout: SHORT }));
		expect(tested.status).toBe('Error');
		expect(tested.message).toMatch(message);
		expect(tested.printed).toBe('');
		expect(other.requests).toHaveLength(0);
		record(task, {
			group: 'credential test',
			kind,
			silentSuccesses: tested.status === 'OK' ? 1 : 0,
			duplicates: 0,
			orphans: 0,
			leaks: keyLeaks(tested),
		});
	});
});
