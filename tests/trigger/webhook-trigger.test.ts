/**
 * The Appwrite Trigger in n8n's engine (n8n-core's HookContext and WebhookContext) with the real
 * node-appwrite SDK against the recording stub playing Appwrite's Webhooks API: registration on
 * activation, the checks on reactivation, deletion, and each delivery's signature, duplicates
 * and item.
 */
import { createHmac } from 'node:crypto';

import type { INodeType } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AppwriteFake } from '../support/appwrite-fake';
import { generatedEvents } from '../support/appwrite-fake';
import { loadPackage } from '../support/engine';
import { useFakeAppwriteStub } from '../support/fake-appwrite-stub';
import type { StubServer } from '../support/stub-server';
import type { TriggerOptions } from '../support/trigger-engine';
import { TriggerHarness } from '../support/trigger-engine';

const API_KEY = 'trigger-test-api-key-5b2c';
const appwrite = useFakeAppwriteStub(API_KEY);
let stub: StubServer;
let fake: AppwriteFake;

beforeEach(() => {
	({ stub, fake } = appwrite);
});

const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });

function options(
	parameters: Record<string, unknown> = {},
	extra: Partial<TriggerOptions> = {},
): TriggerOptions {
	return {
		type: 'appwriteTrigger',
		parameters: {
			registration: 'automatic',
			resource: 'row',
			databaseId: rl('shop'),
			tableId: rl('orders', 'id'),
			actions: ['create', 'update'],
			customEvents: [],
			verifySignature: true,
			options: {},
			...parameters,
		},
		credentials: appwrite.credentials(),
		...extra,
	};
}

/** Appwrite's signature, computed here on its own: base64(HMAC-SHA1(secret, URL + body)). */
function sign(secret: string, url: string, body: string): string {
	return createHmac('sha1', secret)
		.update(url + body)
		.digest('base64');
}

function row(id: string, updatedAt = '2026-01-05T10:00:00.000+00:00') {
	return {
		$id: id,
		$databaseId: 'shop',
		$tableId: 'orders',
		$createdAt: '2026-01-05T10:00:00.000+00:00',
		$updatedAt: updatedAt,
		total: 42,
	};
}

/** A delivery as Appwrite's worker sends it for a row event, signed with `secret` over `url`. */
function delivery(secret: string, url: string, record: Record<string, unknown>, action = 'create') {
	const body = JSON.stringify(record);
	const events = generatedEvents(
		[
			['databases', 'shop'],
			['tables', 'orders'],
			['rows', String(record.$id)],
		],
		action,
	);
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'x-appwrite-webhook-id': 'wh1',
			'x-appwrite-webhook-events': events.join(','),
			'x-appwrite-webhook-name': 'n8n',
			'x-appwrite-webhook-user-id': 'user7',
			'x-appwrite-webhook-project-id': 'test-project',
			'x-appwrite-webhook-signature': sign(secret, url, body),
		},
	};
}

function requestsTo(prefix: string) {
	return stub.requests
		.filter((request) => request.path.startsWith(prefix))
		.map((request) => `${request.method} ${request.path}`);
}

async function activated(parameters: Record<string, unknown> = {}) {
	const trigger = await TriggerHarness.create(options(parameters));
	await trigger.activate();
	const [webhook] = fake.webhooks.values();
	return { trigger, webhook };
}

describe('automatic registration', () => {
	it("on activation registers a webhook for n8n's production URL and the chosen events, with a secret generated here", async () => {
		const { trigger, webhook } = await activated();
		expect(requestsTo('/v1/webhooks')).toEqual(['POST /v1/webhooks']);
		const [request] = stub.requests;
		expect(request.headers['x-appwrite-key']).toBe(API_KEY);
		expect(request.json).toEqual({
			webhookId: expect.stringMatching(/^[0-9a-f]{20}$/),
			url: trigger.webhookUrl(),
			name: 'n8n: Trigger test workflow / Appwrite Trigger',
			events: [
				'databases.shop.tables.orders.rows.*.create',
				'databases.shop.tables.orders.rows.*.update',
			],
			enabled: true,
			secret: expect.stringMatching(/^[0-9a-f]{64}$/),
		});
		expect(trigger.staticData).toEqual({
			webhookId: webhook.$id,
			webhookUrl: trigger.webhookUrl(),
			webhookSecret: (request.json as { secret: string }).secret,
		});
	});

	it('keeps the secret Appwrite returns when it stores another one', async () => {
		stub.on('POST', '/v1/webhooks', (request) => {
			const answer = fake.handle({
				...request,
				json: { ...(request.json as object), secret: 'appwrite-chosen-secret-1' },
			});
			return answer as { status: number; json: unknown };
		});
		const trigger = await TriggerHarness.create(options());
		await trigger.activate();
		expect(trigger.staticData.webhookSecret).toBe('appwrite-chosen-secret-1');
	});

	it('on reactivation finds its webhook unchanged and leaves it alone', async () => {
		const { trigger } = await activated();
		stub.requests.length = 0;
		expect(await trigger.hook('checkExists', { activation: 'init' })).toBe(true);
		expect(requestsTo('/v1/webhooks')).toEqual([
			`GET /v1/webhooks/${String(trigger.staticData.webhookId)}`,
		]);
	});

	it('re-enables a webhook Appwrite disabled after failed deliveries, and updates changed events, without a new webhook', async () => {
		const { webhook } = await activated();
		webhook.enabled = false;
		webhook.attempts = 10;
		const changed = await TriggerHarness.create(
			options({ actions: ['delete'] }, { staticData: {} }),
		);
		Object.assign(changed.staticData, (await TriggerHarness.create(options())).staticData);
		changed.staticData.webhookId = webhook.$id;
		changed.staticData.webhookSecret = 'kept-secret-0001';
		stub.requests.length = 0;
		await changed.activate({ activation: 'update' });
		expect(requestsTo('/v1/webhooks')).toEqual([
			`GET /v1/webhooks/${webhook.$id}`,
			`PUT /v1/webhooks/${webhook.$id}`,
		]);
		expect(fake.webhooks.size).toBe(1);
		expect(fake.webhooks.get(webhook.$id)).toMatchObject({
			enabled: true,
			attempts: 0,
			events: ['databases.shop.tables.orders.rows.*.delete'],
			url: changed.webhookUrl(),
		});
		expect(changed.staticData.webhookSecret).toBe('kept-secret-0001');
	});

	it('recreates a webhook deleted in Appwrite meanwhile', async () => {
		const { trigger, webhook } = await activated();
		fake.webhooks.delete(webhook.$id);
		stub.requests.length = 0;
		await trigger.activate({ activation: 'init' });
		expect(requestsTo('/v1/webhooks')).toEqual([
			`GET /v1/webhooks/${webhook.$id}`,
			'POST /v1/webhooks',
		]);
		const [replacement] = fake.webhooks.values();
		expect(trigger.staticData.webhookId).toBe(replacement.$id);
		expect(replacement.$id).not.toBe(webhook.$id);
	});

	it('on deactivation deletes its webhook and forgets it; one already gone counts as deleted', async () => {
		const { trigger, webhook } = await activated();
		stub.requests.length = 0;
		expect(await trigger.hook('delete')).toBe(true);
		expect(requestsTo('/v1/webhooks')).toEqual([`DELETE /v1/webhooks/${webhook.$id}`]);
		expect(fake.webhooks.size).toBe(0);
		expect(trigger.staticData).toEqual({});

		const again = await activated();
		fake.webhooks.clear();
		expect(await again.trigger.hook('delete')).toBe(true);
		expect(again.trigger.staticData.webhookId).toBeUndefined();
	});

	it('keeps its state when Appwrite fails to delete, so deactivation can be retried', async () => {
		const { trigger, webhook } = await activated();
		stub.error(
			'DELETE',
			`/v1/webhooks/${webhook.$id}`,
			503,
			'general_server_error',
			'Server Error',
		);
		expect(await trigger.hook('delete')).toBe(false);
		expect(trigger.staticData.webhookId).toBe(webhook.$id);
	});

	it('registers the test URL while the editor listens for a test event', async () => {
		const trigger = await TriggerHarness.create(options());
		await trigger.activate({ test: true });
		expect([...fake.webhooks.values()].map((webhook) => webhook.url)).toEqual([
			trigger.webhookUrl(true),
		]);
	});

	it('refuses bad event choices before any request, naming the field', async () => {
		const trigger = await TriggerHarness.create(options({ databaseId: rl('') }));
		await expect(trigger.activate()).rejects.toThrow(
			'Database is empty: choose a database, or Any',
		);
		expect(stub.requests).toEqual([]);
	});

	it('explains the failures a user meets, never showing the API key or the secret', async () => {
		const cases: Array<[number, string, string, RegExp]> = [
			[
				404,
				'general_route_not_found',
				'Route not found',
				/no Webhooks API.*Set Registration to Manual/,
			],
			[
				401,
				'general_unauthorized_scope',
				'app.x@service.cloud.appwrite.io (role: applications) missing scopes (["webhooks.write"])',
				/webhooks\.read and webhooks\.write/,
			],
			[
				400,
				'general_argument_invalid',
				'Invalid `url` param: URL host must be a public domain',
				/registered http:\/\/127\.0\.0\.1:5678\/webhook\/.*WEBHOOK_URL/,
			],
		];
		for (const [status, type, message, hint] of cases) {
			stub.reset();
			stub.error('POST', '/v1/webhooks', status, type, message);
			const trigger = await TriggerHarness.create(options());
			const failure = await trigger.activate().then(
				() => undefined,
				(error: unknown) => error as NodeApiError,
			);
			expect(failure?.constructor.name).toBe(NodeApiError.name);
			expect(failure?.httpCode).toBe(String(status));
			expect(failure?.description).toMatch(hint);
			const shown = JSON.stringify({
				message: failure?.message,
				description: failure?.description,
				response: failure?.errorResponse,
			});
			expect(shown).not.toContain(API_KEY);
			expect(shown).not.toMatch(/[0-9a-f]{64}/);
		}
	});
});

describe('manual registration', () => {
	const manual = (parameters: Record<string, unknown> = {}) =>
		options(
			{ registration: 'manual', ...parameters },
			{
				credentials: {
					...appwrite.credentials(),
					appwriteWebhookApi: { signingSecret: 'console-signature-key-0001' },
				},
			},
		);

	it('sends nothing to Appwrite on activation or deactivation', async () => {
		const trigger = await TriggerHarness.create(manual());
		await trigger.activate();
		expect(await trigger.hook('delete')).toBe(true);
		expect(stub.requests).toEqual([]);
	});

	it("accepts deliveries signed with the credential's key over the production URL, and refuses others", async () => {
		const trigger = await TriggerHarness.create(manual());
		const good = delivery('console-signature-key-0001', trigger.webhookUrl(), row('r1'));
		const accepted = await trigger.deliver(good.body, good.headers);
		expect(accepted.status).toBe(200);
		expect(accepted.items?.[0].json.$id).toBe('r1');
		const forged = delivery('another-key-00000', trigger.webhookUrl(), row('r2'));
		expect((await trigger.deliver(forged.body, forged.headers)).status).toBe(401);
	});

	it('checks against the URL registered in Appwrite when the user gives it (a proxy in front of n8n)', async () => {
		const registeredUrl = 'https://n8n.example.com/hooks/appwrite';
		const trigger = await TriggerHarness.create(manual({ options: { registeredUrl } }));
		const viaProxy = delivery('console-signature-key-0001', registeredUrl, row('r1'));
		expect((await trigger.deliver(viaProxy.body, viaProxy.headers)).status).toBe(200);
		const direct = delivery('console-signature-key-0001', trigger.webhookUrl(), row('r2'));
		expect((await trigger.deliver(direct.body, direct.headers)).status).toBe(401);
	});
});

describe('a delivery', () => {
	it('starts the workflow with the resource as JSON and the event metadata beside it', async () => {
		const { trigger, webhook } = await activated();
		const signed = delivery(webhook.secret, webhook.url, row('r1'));
		const result = await trigger.deliver(signed.body, signed.headers);
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ message: 'Workflow was started' });
		expect(result.run?.status).toBe('success');
		expect(result.items?.map((item) => item.json)).toEqual([
			{
				...row('r1'),
				$event: {
					event: 'databases.shop.tables.orders.rows.r1.create',
					action: 'create',
					events: signed.headers['x-appwrite-webhook-events'].split(','),
					webhookId: 'wh1',
					webhookName: 'n8n',
					projectId: 'test-project',
					userId: 'user7',
					signatureVerified: true,
				},
			},
		]);
		expect(JSON.stringify(result.items)).not.toContain(webhook.secret);
	});

	it('is refused with 401 and starts nothing when forged: wrong key, altered body, other URL, no signature', async () => {
		const { trigger, webhook } = await activated();
		const genuine = delivery(webhook.secret, webhook.url, row('r1'));
		const forgeries: Array<[body: string, headers: Record<string, string>]> = [
			[genuine.body, delivery('not-the-secret-123', webhook.url, row('r1')).headers],
			[genuine.body.replace('"total":42', '"total":43'), genuine.headers],
			[genuine.body, delivery(webhook.secret, trigger.webhookUrl(true), row('r1')).headers],
			[
				genuine.body,
				Object.fromEntries(
					Object.entries(genuine.headers).filter(
						([name]) => name !== 'x-appwrite-webhook-signature',
					),
				),
			],
		];
		for (const [body, headers] of forgeries) {
			const result = await trigger.deliver(body, headers);
			expect(result.status).toBe(401);
			expect(result.run).toBeUndefined();
			expect(JSON.stringify(result.body)).toMatch(/X-Appwrite-Webhook-Signature/);
			expect(JSON.stringify(result.body)).not.toContain(webhook.secret);
		}
		expect((await trigger.deliver(genuine.body, genuine.headers)).status).toBe(200);
	});

	it('is refused when the trigger has no registration to check it against', async () => {
		const trigger = await TriggerHarness.create(options());
		const signed = delivery('any-secret-000', trigger.webhookUrl(), row('r1'));
		expect((await trigger.deliver(signed.body, signed.headers)).status).toBe(401);
	});

	it('of the same record version twice (Appwrite retrying) starts the workflow once; a new version starts it again', async () => {
		const { trigger, webhook } = await activated();
		const first = delivery(webhook.secret, webhook.url, row('r1'));
		expect((await trigger.deliver(first.body, first.headers)).run).toBeDefined();
		const repeat = await trigger.deliver(first.body, first.headers);
		expect(repeat).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
		expect(repeat.run).toBeUndefined();
		const updated = delivery(
			webhook.secret,
			webhook.url,
			row('r1', '2026-01-05T10:00:01.000+00:00'),
			'update',
		);
		expect((await trigger.deliver(updated.body, updated.headers)).run).toBeDefined();
		const deleted = delivery(
			webhook.secret,
			webhook.url,
			row('r1', '2026-01-05T10:00:01.000+00:00'),
			'delete',
		);
		expect((await trigger.deliver(deleted.body, deleted.headers)).run).toBeDefined();
	});

	it('remembers a bounded number of deliveries, across a restart', async () => {
		const { trigger, webhook } = await activated();
		for (let index = 0; index < 105; index++) {
			const signed = delivery(webhook.secret, webhook.url, row(`r${index}`));
			expect((await trigger.deliver(signed.body, signed.headers)).status).toBe(200);
		}
		expect(trigger.staticData.recentDeliveries).toHaveLength(100);
		const restarted = trigger.restart();
		const latest = delivery(webhook.secret, webhook.url, row('r104'));
		expect((await restarted.deliver(latest.body, latest.headers)).body).toEqual({
			received: true,
			duplicate: true,
		});
		const oldest = delivery(webhook.secret, webhook.url, row('r0'));
		expect((await restarted.deliver(oldest.body, oldest.headers)).run).toBeDefined();
	});

	it('with verification off is accepted unsigned, marked as unverified, and the node shows a warning', async () => {
		const { trigger } = await activated({ verifySignature: false });
		const unsigned = delivery('', trigger.webhookUrl(), row('r1'));
		delete (unsigned.headers as Record<string, string>)['x-appwrite-webhook-signature'];
		const result = await trigger.deliver(unsigned.body, unsigned.headers);
		expect(result.status).toBe(200);
		expect(result.items?.[0].json.$event).toMatchObject({ signatureVerified: false });
		const loader = await loadPackage();
		const { description } = loader.getNode('appwriteTrigger').type as INodeType;
		const warning = description.properties.find(
			(property) => property.name === 'verificationOffNotice',
		);
		expect(warning).toMatchObject({
			type: 'notice',
			displayOptions: { show: { verifySignature: [false] } },
		});
		expect(warning?.displayName).toMatch(/anyone who learns this URL can start the workflow/i);
	});

	it('that is not a JSON object is refused with 400', async () => {
		const { trigger, webhook } = await activated();
		const body = '[1,2,3]';
		const result = await trigger.deliver(body, {
			'content-type': 'application/json',
			'x-appwrite-webhook-signature': sign(webhook.secret, webhook.url, body),
		});
		expect(result.status).toBe(400);
		expect(result.run).toBeUndefined();
	});
});

describe('through its whole life', () => {
	it('prints nothing: activation, a delivery, a forged one, deactivation', async () => {
		const print = ['log', 'info', 'warn', 'error', 'debug'].map((method) =>
			vi.spyOn(console, method as 'log'),
		);
		const { trigger, webhook } = await activated();
		const signed = delivery(webhook.secret, webhook.url, row('r1'));
		expect((await trigger.deliver(signed.body, signed.headers)).status).toBe(200);
		const forged = delivery('not-the-secret-123', webhook.url, row('r2'));
		expect((await trigger.deliver(forged.body, forged.headers)).status).toBe(401);
		expect(await trigger.hook('delete')).toBe(true);
		for (const spy of print) {
			expect(spy).not.toHaveBeenCalled();
			spy.mockRestore();
		}
	});
});
