/**
 * Queue-mode checks for the package's trigger nodes, run by scale.ts against the live main
 * instance and its two workers (issue 14).
 *
 * The e2e's trigger checks (lib/triggers.ts) run unchanged through main's REST API: automatic
 * registration, a signed delivery and forged ones, deactivation, manual registration, polling.
 * The key gate records when each Appwrite call arrived and which process made it (scale.ts has it
 * ask lib/queue.ts connectionOwner: main, a worker, or neither). From that traffic, n8n's
 * execution records in PostgreSQL and the workers' event logs, this file then checks that:
 * - the workers made no Appwrite call of their own: registering, checking, deleting webhooks and
 *   polling are main's work;
 * - exactly one webhook was registered, by main, for main's production URL; deactivation deleted
 *   it once, by main;
 * - each delivery that passed verification became one production execution (mode `webhook`) that
 *   one worker took off the queue; the forged ones none;
 * - main polled once per interval (one list request in each 5-second slot while the fast polling
 *   workflow was active), however many processes share the database and the queue;
 * - each batch of new rows became one execution (mode `trigger`) that one worker took.
 * `untestedTriggers` fails the scale test for any trigger node of the package without such checks.
 */
import assert from 'node:assert/strict';

import type { Exchange } from './lib/keygate';
import type { RestClient } from './lib/n8n';
import { EXAMPLES_DIR, PACKAGE_NAME } from './lib/paths';
import {
	callerName,
	executionRecords,
	MAIN_INSTANCE,
	workerOfExecutions,
	type ExecutionRecord,
	type Worker,
} from './lib/queue';
import type { Postgres } from './lib/services';
import { STANDIN_TABLE, type Setup } from './lib/setup';
import type { Tally } from './lib/tally';
import { checkTriggers, loadTriggerWorkflows, productionUrl } from './lib/triggers';
import { isTriggerWorkflow, loadWorkflowFiles, type WorkflowFile } from './lib/workflows';

/** Node types (`<package>.<node>`) whose queue-mode checks live in this file. */
const QUEUE_CHECKED_TRIGGERS = new Set([
	`${PACKAGE_NAME}.appwriteTrigger`,
	`${PACKAGE_NAME}.appwritePollingTrigger`,
]);

/** tests/e2e/triggers/polling-fast.json polls at every fifth second of the minute. */
const POLL_INTERVAL_MS = 5_000;
/** The fast polling check keeps its workflow active for several intervals; fewer polls prove nothing. */
const MIN_SCHEDULED_POLLS = 3;

/** The workflows the trigger checks activate: the trigger examples and tests/e2e/triggers/*.json. */
export function queueTriggerWorkflows(): { examples: WorkflowFile[]; all: WorkflowFile[] } {
	const examples = loadWorkflowFiles(EXAMPLES_DIR).filter(isTriggerWorkflow);
	return { examples, all: [...examples, ...loadTriggerWorkflows()] };
}

export interface QueueTriggerContext {
	setup: Setup;
	client: RestClient;
	postgres: Postgres;
	workers: Worker[];
	tally: Tally;
}

interface CheckWindow {
	from: number;
	to: number;
}

function byFile(workflows: WorkflowFile[], file: string): WorkflowFile {
	const found = workflows.find((workflow) => workflow.file === file);
	if (!found) throw new Error(`the trigger workflow ${file}.json is missing`);
	return found;
}

function described(exchanges: Exchange[]): string {
	return exchanges.map((e) => `${callerName(e)}: ${e.method} ${e.path}`).join('; ') || 'none';
}

/**
 * Every execution of `workflowIds` is finished, successful, of `mode`, and was taken off the
 * queue by exactly one worker; returns them with the worker that ran each.
 */
async function runByWorkers(
	context: QueueTriggerContext,
	workflowIds: string[],
	mode: string,
): Promise<Array<ExecutionRecord & { worker: string }>> {
	const records = await executionRecords(context.postgres, workflowIds);
	const wrong = records.filter((record) => record.mode !== mode || record.status !== 'success');
	assert.deepEqual(wrong, [], `executions that are not successful "${mode}" executions`);
	const takenBy = await workerOfExecutions(
		context.workers,
		records.map((record) => record.id),
	);
	const notOne = [...takenBy].filter(([, names]) => names.length !== 1);
	assert.deepEqual(notOne, [], 'executions not taken off the queue by exactly one worker');
	return records.map((record) => ({ ...record, worker: takenBy.get(record.id)?.[0] ?? '' }));
}

/**
 * The scheduled polls (all but the activation poll of each check) fall one per interval, in
 * consecutive intervals: two processes polling would put two polls in one slot.
 */
function scheduledPollSlots(polls: Exchange[], windows: CheckWindow[]): number[][] {
	return windows
		.map((window) =>
			polls
				.filter((poll) => poll.receivedAt >= window.from && poll.receivedAt <= window.to)
				.slice(1)
				.map((poll) => Math.floor(poll.receivedAt / POLL_INTERVAL_MS)),
		)
		.filter((slots) => slots.length > 0);
}

export async function checkQueueTriggers(context: QueueTriggerContext): Promise<void> {
	const { setup, client, tally } = context;
	const check = async (name: string, body: () => Promise<string | void> | string | void) => {
		try {
			tally.pass(name, (await body()) ?? '');
		} catch (error) {
			tally.fail(name, tally.errorText(error));
		}
	};
	const { examples, all } = queueTriggerWorkflows();
	const automatic = byFile(all, 'trigger-webhook');
	const manual = byFile(all, 'trigger-manual');
	const polling = byFile(all, 'trigger-polling');
	const fastPolling = byFile(all, 'polling-fast');

	const mark = setup.gate.lastSeq();
	const windows: CheckWindow[] = [];
	await checkTriggers({
		setup,
		client,
		examples,
		check: async (name, body) => {
			const from = Date.now();
			await check(`queue ${name}`, body);
			windows.push({ from, to: Date.now() });
		},
	});
	const traffic = setup.gate.since(mark);
	const webhookCalls = traffic.filter((e) => e.path.startsWith('/v1/webhooks'));
	const rowsPath = `/v1/tablesdb/${STANDIN_TABLE.databaseId}/tables/${STANDIN_TABLE.tableId}/rows`;
	const polls = traffic.filter((e) => e.method === 'GET' && e.path.startsWith(rowsPath));

	await check('queue triggers: main made every Appwrite call, the workers none', () => {
		const notMain = traffic.filter((e) => e.client !== MAIN_INSTANCE);
		assert.equal(notMain.length, 0, `calls not made by main: ${described(notMain)}`);
		assert.ok(webhookCalls.length > 0 && polls.length > 0, 'no webhook call or poll was made');
		return `${webhookCalls.length} Webhooks API calls and ${polls.length} polls, all by main`;
	});

	let webhookId = '';
	await check(
		'queue trigger (webhook): exactly one registration, by main, for its production URL',
		() => {
			const registrations = webhookCalls.filter(
				(e) => e.method === 'POST' && e.path === '/v1/webhooks',
			);
			assert.equal(registrations.length, 1, `registrations: ${described(registrations)}`);
			const [registration] = registrations;
			assert.equal(callerName(registration), MAIN_INSTANCE);
			const sent = JSON.parse(registration.requestBody.toString('utf8')) as {
				url: string;
				events: string[];
			};
			assert.equal(sent.url, productionUrl(setup, automatic));
			assert.equal(registration.status, 201);
			webhookId = (JSON.parse(registration.responseBody.toString('utf8')) as { $id: string }).$id;
			return `POST /v1/webhooks by main: ${sent.url} for ${sent.events.join(', ')}`;
		},
	);

	await check('queue trigger (webhook): deactivation deleted the webhook once, by main', () => {
		const deletions = webhookCalls.filter((e) => e.method === 'DELETE');
		assert.deepEqual(
			deletions.map((e) => `${callerName(e)}: ${e.method} ${e.path} → ${e.status}`),
			[`${MAIN_INSTANCE}: DELETE /v1/webhooks/${webhookId} → 204`],
		);
		assert.equal(setup.appwrite.webhooks.has(webhookId), false, 'the webhook is still in Appwrite');
	});

	await check(
		'queue trigger (webhook): each verified delivery is one production execution run by a worker; forged ones none',
		async () => {
			const runs = await runByWorkers(context, [automatic.json.id, manual.json.id], 'webhook');
			const perWorkflow = [automatic, manual].map(
				(workflow) => runs.filter((run) => run.workflowId === workflow.json.id).length,
			);
			// the e2e checks deliver one signed event per registration mode, then forged ones
			assert.deepEqual(perWorkflow, [1, 1], 'executions of the automatic and the manual trigger');
			return runs.map((run) => `execution ${run.id} by ${run.worker}`).join(', ');
		},
	);

	await check('queue trigger (polling): main polls once per interval, the workers never', () => {
		const slots = scheduledPollSlots(polls, windows);
		const scheduled = slots.flat().length;
		assert.ok(
			scheduled >= MIN_SCHEDULED_POLLS,
			`${scheduled} scheduled poll(s); the fast polling check should see ${MIN_SCHEDULED_POLLS} or more`,
		);
		for (const run of slots) {
			assert.deepEqual(
				run,
				run.map((_, index) => run[0] + index),
				`not one poll per ${POLL_INTERVAL_MS / 1000} s interval: ${polls
					.map(
						(poll) =>
							`${new Date(poll.receivedAt).toISOString().slice(11, 23)} ${callerName(poll)}`,
					)
					.join(', ')}`,
			);
		}
		const busiest = slots.reduce((a, b) => (b.length > a.length ? b : a));
		return `${busiest.length} scheduled polls in ${busiest.length} consecutive ${POLL_INTERVAL_MS / 1000} s intervals, by main`;
	});

	await check(
		'queue trigger (polling): each batch of new rows is one execution run by a worker',
		async () => {
			const runs = await runByWorkers(context, [polling.json.id, fastPolling.json.id], 'trigger');
			assert.ok(runs.length > 0, 'the polling triggers started no execution');
			assert.ok(
				runs.every((run) => run.workflowId === fastPolling.json.id),
				'the example polling trigger, active for one poll, started an execution',
			);
			return runs.map((run) => `execution ${run.id} by ${run.worker}`).join(', ');
		},
	);
}

interface NodeTypeDescription {
	name: string;
	group?: string[];
	polling?: boolean;
	webhooks?: unknown[];
}

/**
 * The package's trigger nodes as n8n describes them to the editor (`GET /types/nodes.json`) that
 * have no queue-mode check here, each with its kind, e.g. `…appwriteTrigger (webhook)`.
 */
export async function untestedTriggers(client: RestClient, packageName: string): Promise<string[]> {
	const response = await client.request('GET', '//types/nodes.json');
	if (!Array.isArray(response.raw))
		throw new Error(`GET /types/nodes.json answered ${response.status}`);
	return (response.raw as NodeTypeDescription[])
		.filter(
			(node) => node.name.startsWith(`${packageName}.`) && (node.group ?? []).includes('trigger'),
		)
		.filter((node) => !QUEUE_CHECKED_TRIGGERS.has(node.name))
		.map(
			(node) =>
				`${node.name} (${node.polling ? 'polling' : node.webhooks?.length ? 'webhook' : 'trigger'})`,
		);
}
