/**
 * The triggers in the real n8n (`n8n start`), driven through its REST API as the editor drives it:
 * workflows are activated and deactivated, the stand-in plays Appwrite (it records the webhook
 * registration and delivers signed events like Appwrite's webhooks worker), and each execution is
 * read back from n8n.
 *
 * - automatic registration: activation registers n8n's production URL and the events; a signed
 *   event starts an execution holding the row; a forged one gets 401 and starts nothing;
 *   deactivation deletes the webhook;
 * - manual registration: activation sends nothing to Appwrite; a webhook added "in the console"
 *   with the credential's key delivers;
 * - polling: the first poll after activation emits nothing; rows added between polls each start
 *   the workflow exactly once.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';

import { assert } from './expect';
import type { N8nItem, RestClient } from './n8n';
import { E2E_DIR } from './paths';
import type { Setup } from './setup';
import { STANDIN_TABLE, WEBHOOK_SIGNING_CREDENTIAL } from './setup';
import { loadWorkflowFiles, type WorkflowFile } from './workflows';

// n8n's own dependency; its types declare an ES module, its main entry is CommonJS
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('flatted') as { parse(text: string): unknown };

export const TRIGGERS_DIR = join(E2E_DIR, 'triggers');

export interface TriggerCheckContext {
	setup: Setup;
	client: RestClient;
	/** The example workflows (examples/*.json); the trigger examples are among them. */
	examples: WorkflowFile[];
	check(name: string, body: () => Promise<string | void>): Promise<void>;
}

/** The e2e-only trigger workflows (tests/e2e/triggers/*.json), imported next to the examples. */
export function loadTriggerWorkflows(): WorkflowFile[] {
	return loadWorkflowFiles(TRIGGERS_DIR);
}

interface ExecutionSummary {
	id: string;
	status: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined>,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(500);
	}
}

async function expectOk<T>(
	response: { status: number; data: T; raw: unknown },
	what: string,
): Promise<T> {
	assert.equal(
		response.status,
		200,
		`${what} answered ${response.status}: ${JSON.stringify(response.raw).slice(0, 500)}`,
	);
	return response.data;
}

// n8n 2.41 publishes an activation in the background (an outbox): the REST call returns before the
// triggers are registered, so every check waits for what it expects to see.
async function activate(client: RestClient, workflowId: string): Promise<void> {
	const workflow = await expectOk(
		await client.request<{ versionId: string }>('GET', `/workflows/${workflowId}`),
		'GET workflow',
	);
	await expectOk(
		await client.request('POST', `/workflows/${workflowId}/activate`, {
			versionId: workflow.versionId,
		}),
		`activating ${workflowId}`,
	);
}

async function deactivate(client: RestClient, workflowId: string): Promise<void> {
	await expectOk(
		await client.request('POST', `/workflows/${workflowId}/deactivate`, {}),
		`deactivating ${workflowId}`,
	);
}

async function executionsOf(client: RestClient, workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await expectOk(
		await client.request<{ results: ExecutionSummary[] }>('GET', `/executions?filter=${filter}`),
		'GET executions',
	);
	return data.results;
}

/** The items a node output in a finished execution (n8n stores the run data "flatted"). */
async function itemsOf(
	client: RestClient,
	executionId: string,
	nodeName: string,
): Promise<N8nItem[]> {
	const execution = await expectOk(
		await client.request<{ data: string; status: string }>('GET', `/executions/${executionId}`),
		'GET execution',
	);
	const run = parse(execution.data) as {
		resultData: { runData: Record<string, Array<{ data?: { main?: N8nItem[][] } }>> };
	};
	return run.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [];
}

/** The finished executions after the first `known`, oldest first. */
async function newExecutions(
	client: RestClient,
	workflowId: string,
	known: number,
	count: number,
): Promise<ExecutionSummary[]> {
	return await waitFor(`${count} execution(s) of ${workflowId}`, 30_000, async () => {
		const all = (await executionsOf(client, workflowId)).filter(
			(execution) => !['new', 'running', 'waiting'].includes(execution.status),
		);
		return all.length >= known + count ? all.slice(0, all.length - known).reverse() : undefined;
	});
}

function triggerNode(workflow: WorkflowFile) {
	const node = workflow.json.nodes.find((entry) => entry.type.endsWith('Trigger'));
	if (!node) throw new Error(`${workflow.file} has no trigger`);
	return node as typeof node & { webhookId?: string };
}

/** Where n8n serves a webhook trigger's production URL (on the instance that registers webhooks). */
export function productionUrl(setup: Setup, workflow: WorkflowFile): string {
	return `${setup.instance.baseUrl}/webhook/${triggerNode(workflow).webhookId}/webhook`;
}

async function postDelivery(url: string, body: string, signature: string): Promise<number> {
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-appwrite-webhook-signature': signature,
			'x-appwrite-webhook-events': 'databases.shop.tables.orders.rows.forged.create',
		},
		body,
	});
	await response.text();
	return response.status;
}

/** Waits until n8n serves the trigger's production URL (an unsigned request gets the node's 401, not n8n's 404). */
async function waitUntilListening(url: string): Promise<void> {
	await waitFor(`n8n to serve ${url}`, 60_000, async () =>
		(await postDelivery(url, '{}', '')) === 401 ? true : undefined,
	);
}

/** Waits until n8n no longer serves the production URL (404). */
async function waitUntilGone(url: string): Promise<void> {
	await waitFor(`n8n to stop serving ${url}`, 60_000, async () =>
		(await postDelivery(url, '{}', '')) === 404 ? true : undefined,
	);
}

/** A forged delivery to `url` is refused with 401 and starts no execution. */
async function checkForgery(
	context: TriggerCheckContext,
	workflow: WorkflowFile,
	url: string,
): Promise<string> {
	const before = (await executionsOf(context.client, workflow.json.id)).length;
	const body = JSON.stringify({
		$id: 'forged',
		$createdAt: new Date().toISOString(),
		total: 1_000_000,
	});
	const statuses = [
		await postDelivery(
			url,
			body,
			createHmac('sha1', 'not-the-secret')
				.update(url + body)
				.digest('base64'),
		),
		await postDelivery(url, body, ''),
	];
	assert.deepEqual(statuses, [401, 401], `forged deliveries answered ${statuses.join(', ')}`);
	await sleep(2_000);
	assert.equal(
		(await executionsOf(context.client, workflow.json.id)).length,
		before,
		'a forged delivery started an execution',
	);
	return 'wrong key and missing signature → 401, no execution';
}

async function checkDeliveredRow(
	context: TriggerCheckContext,
	workflow: WorkflowFile,
	total: number,
): Promise<string> {
	const { client, setup } = context;
	const known = (await executionsOf(client, workflow.json.id)).length;
	const row = await setup.appwrite.createRow(STANDIN_TABLE.databaseId, STANDIN_TABLE.tableId, {
		customer: 'e2e',
		total,
	});
	const deliveries = setup.appwrite.deliveries
		.filter((delivery) => delivery.url === productionUrl(setup, workflow))
		.slice(-1);
	assert.equal(
		deliveries[0]?.status,
		200,
		`n8n answered the delivery with ${deliveries[0]?.status}: ${deliveries[0]?.body}`,
	);
	const [execution] = await newExecutions(client, workflow.json.id, known, 1);
	assert.equal(execution.status, 'success', `execution ${execution.id} ended ${execution.status}`);
	const items = await itemsOf(client, execution.id, triggerNode(workflow).name);
	assert.equal(items.length, 1, `the trigger output ${items.length} items`);
	assert.equal(items[0].json.$id, row.$id);
	assert.equal(items[0].json.total, total);
	const event = items[0].json.$event as Record<string, unknown>;
	assert.equal(event.event, `databases.shop.tables.orders.rows.${row.$id}.create`);
	assert.equal(event.action, 'create');
	assert.equal(event.signatureVerified, true);
	return `execution ${execution.id} holds row ${row.$id} and its event`;
}

export async function checkTriggers(context: TriggerCheckContext): Promise<void> {
	const { client, setup, examples } = context;
	const example = (file: string) => {
		const found = examples.find((entry) => entry.file === file);
		if (!found) throw new Error(`examples/${file}.json is missing`);
		return found;
	};
	const automatic = example('trigger-webhook');
	const manual = example('trigger-manual');
	const polling = example('trigger-polling');
	const [fastPolling] = loadTriggerWorkflows();
	const webhookCalls = (mark: number) =>
		setup.gate
			.since(mark)
			.filter((exchange) => exchange.path.startsWith('/v1/webhooks'))
			.map((exchange) => `${exchange.method} ${exchange.path}`);

	await context.check(
		'trigger (automatic): activation registers the production URL and events',
		async () => {
			const mark = setup.gate.lastSeq();
			await activate(client, automatic.json.id);
			const registration = await waitFor('the webhook registration', 60_000, async () =>
				setup.gate
					.since(mark)
					.find((exchange) => exchange.method === 'POST' && exchange.path === '/v1/webhooks'),
			);
			assert.equal(registration.status, 201);
			const sent = JSON.parse(registration.requestBody.toString('utf8')) as {
				url: string;
				events: string[];
				secret: string;
			};
			assert.equal(sent.url, productionUrl(setup, automatic));
			assert.deepEqual(sent.events, ['databases.shop.tables.orders.rows.*.create']);
			assert.match(sent.secret, /^[0-9a-f]{64}$/);
			assert.equal(registration.requestHeaders['x-appwrite-key'], setup.credential.data.apiKey);
			await waitUntilListening(sent.url);
			return `POST /v1/webhooks → ${sent.url}`;
		},
	);
	await context.check(
		'trigger (automatic): a signed event starts an execution holding the row',
		() => checkDeliveredRow(context, automatic, 42),
	);
	await context.check('trigger (automatic): a forged delivery is refused', () =>
		checkForgery(context, automatic, productionUrl(setup, automatic)),
	);
	await context.check(
		'trigger (automatic): deactivation deletes the webhook in Appwrite',
		async () => {
			const url = productionUrl(setup, automatic);
			const webhook = [...setup.appwrite.webhooks.values()].find((entry) => entry.url === url);
			assert.ok(webhook, 'the webhook is not in the stand-in');
			const mark = setup.gate.lastSeq();
			await deactivate(client, automatic.json.id);
			await waitFor('the webhook to be deleted', 60_000, async () =>
				setup.appwrite.webhooks.has(webhook.$id) ? undefined : true,
			);
			assert.deepEqual(webhookCalls(mark), [`DELETE /v1/webhooks/${webhook.$id}`]);
			await waitUntilGone(url);
			return `DELETE /v1/webhooks/${webhook.$id}`;
		},
	);

	await context.check(
		'trigger (manual): activation sends nothing to Appwrite; a console-made webhook delivers',
		async () => {
			const url = productionUrl(setup, manual);
			const mark = setup.gate.lastSeq();
			await activate(client, manual.json.id);
			await waitUntilListening(url);
			assert.deepEqual(webhookCalls(mark), []);
			// what a user does in the Appwrite console: a webhook with the Production URL and the events
			setup.appwrite.handle({
				method: 'POST',
				path: '/v1/webhooks',
				query: new URLSearchParams(),
				json: {
					webhookId: 'consoleMade',
					name: 'Added in the console',
					url,
					events: ['databases.shop.tables.orders.rows.*.create'],
					secret: WEBHOOK_SIGNING_CREDENTIAL.data.signingSecret,
				},
			});
			return await checkDeliveredRow(context, manual, 7);
		},
	);
	await context.check('trigger (manual): a forged delivery is refused', () =>
		checkForgery(context, manual, productionUrl(setup, manual)),
	);
	await context.check('trigger (manual): deactivation leaves Appwrite alone', async () => {
		const mark = setup.gate.lastSeq();
		await deactivate(client, manual.json.id);
		await waitUntilGone(productionUrl(setup, manual));
		setup.appwrite.webhooks.delete('consoleMade');
		assert.deepEqual(webhookCalls(mark), []);
	});

	const listed = () =>
		setup.gate.exchanges.filter(
			(exchange) =>
				exchange.method === 'GET' &&
				exchange.path.startsWith('/v1/tablesdb/shop/tables/orders/rows'),
		).length;
	const nextPoll = async () => {
		const seen = listed();
		await waitFor('the next poll', 60_000, async () => (listed() > seen ? true : undefined));
	};
	await context.check(
		"trigger (polling): the example's first poll lists the table and emits nothing",
		async () => {
			const activation = nextPoll();
			await activate(client, polling.json.id);
			await activation;
			await deactivate(client, polling.json.id);
			assert.equal((await executionsOf(client, polling.json.id)).length, 0);
		},
	);
	await context.check(
		'trigger (polling): rows added between polls start the workflow, each exactly once',
		async () => {
			const workflowId = fastPolling.json.id;
			const add = (total: number) =>
				setup.appwrite.addRow(STANDIN_TABLE.databaseId, STANDIN_TABLE.tableId, {
					customer: 'poll',
					total,
				}).row.$id;
			const activation = nextPoll();
			await activate(client, workflowId);
			await activation;
			await nextPoll();
			assert.equal(
				(await executionsOf(client, workflowId)).length,
				0,
				'the first polls emitted rows that existed before activation',
			);
			const first = [add(1), add(2)];
			await newExecutions(client, workflowId, 0, 1);
			const second = [add(3)];
			const executions = await newExecutions(client, workflowId, 0, 2);
			await nextPoll();
			await nextPoll();
			await deactivate(client, workflowId);
			// n8n stops polling once the deactivation is through: the count of list requests settles
			await waitFor('the polls to stop', 60_000, async () => {
				const seen = listed();
				await sleep(6_000);
				return listed() === seen ? true : undefined;
			});
			const all = await executionsOf(client, workflowId);
			assert.equal(all.length, 2, `${all.length} executions for two batches of rows`);
			const emitted: unknown[] = [];
			for (const execution of executions) {
				const items = await itemsOf(client, execution.id, 'Appwrite Polling Trigger');
				emitted.push(...items.map((item) => item.json.$id));
			}
			assert.deepEqual(emitted, [...first, ...second]);
			return `${emitted.length} rows in ${executions.length} executions, none repeated`;
		},
	);
}
