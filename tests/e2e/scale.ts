/**
 * The package on n8n's scale-out engine: `npm run test:scale` (`npx tsx tests/e2e/scale.ts`).
 *
 * 1. installs PostgreSQL and Redis from Debian when missing and starts them on loopback ports
 *    from temporary folders; installs n8n (once), builds, packs and installs this package like the
 *    e2e test; starts the Appwrite stand-in behind the key gate;
 * 2. starts n8n 2.41.1 in queue mode: one main instance and two `n8n worker` processes, each with
 *    its own user folder, sharing the PostgreSQL database, Redis and the encryption key;
 * 3. publishes a webhook-started copy of every e2e workflow and Manual Trigger example, calls each production
 *    webhook on main, and checks each run (n8n's execution record in PostgreSQL: mode `webhook`,
 *    finished; its data as the editor loads it, against workflows/<name>.expect.ts) — so every
 *    node, Continue On Fail and the binary round trip run as production executions on workers;
 * 4. checks from n8n's own records which worker ran each execution, and that both did; that each
 *    execution's Appwrite calls came from that worker (the key gate names the process behind each
 *    connection); that the binary data the workers wrote lives in the database and main serves it;
 *    the credential test through main's REST API; the trigger checks of scale-triggers.ts (webhook
 *    registration and polling by main only, deliveries and polled rows run by workers); no
 *    non-loopback traffic.
 * The last line is `scale: N passed, M failed`; the exit code is 1 on any failure. Everything
 * started is stopped by process group on success, failure, Ctrl-C and crashes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { checkExpectation, type BinaryReader } from './lib/check';
import type { Exchange, KeyGate } from './lib/keygate';
import { badCredentials, checkCredentialTests, type BadCredentials } from './lib/credential-checks';
import {
	blockedAttempts,
	RestClient,
	startServer,
	type N8nInstance,
	type N8nItem,
	type RawRun,
} from './lib/n8n';
import { EXAMPLES_DIR, PACKAGE_NAME, WORKFLOWS_DIR } from './lib/paths';
import { cleanupAll, installExitHandlers, log, onCleanup } from './lib/proc';
import {
	asWebhookWorkflow,
	callerName,
	callWebhook,
	connectionOwner,
	executionRecords,
	MANUAL_TRIGGER,
	finishedExecutions,
	loadExecution,
	MAIN_INSTANCE,
	publishWorkflow,
	queueEnv,
	startQueueServices,
	startWorker,
	webhookPath,
	workerOfExecutions,
} from './lib/queue';
import { runDataProblem } from './lib/report';
import type { Postgres } from './lib/services';
import { setUp } from './lib/setup';
import { createTally, errorText } from './lib/tally';
import { loadExampleCases, loadWorkflowCases, type WorkflowFile } from './lib/workflows';
import { checkQueueTriggers, queueTriggerWorkflows, untestedTriggers } from './scale-triggers';

const WORKERS = 2;
const tally = createTally('scale');

/** Every binary id in a run's items. */
function binaryIds(run: RawRun): string[] {
	const ids: string[] = [];
	for (const runs of Object.values(run.data.resultData.runData)) {
		for (const nodeRun of runs) {
			for (const item of (nodeRun.data?.main ?? []).flat()) {
				for (const binary of Object.values(item?.binary ?? {})) if (binary.id) ids.push(binary.id);
			}
		}
	}
	return ids;
}

/**
 * Downloads every binary of a run from the main instance (`GET /rest/binary-data`, what the
 * editor's binary view calls): what a worker stored must be readable by another instance.
 */
async function binariesFromMain(
	client: RestClient,
	run: RawRun,
): Promise<{ read: BinaryReader; problem?: string }> {
	const bytes = new Map<string, Buffer>();
	const unreadable: string[] = [];
	for (const id of binaryIds(run)) {
		const answer = await client.download(
			`/binary-data?id=${encodeURIComponent(id)}&action=download`,
		);
		if (answer.status === 200) bytes.set(id, answer.body);
		else unreadable.push(`${id} (HTTP ${answer.status})`);
	}
	const read: BinaryReader = (item: N8nItem, property = 'data') => {
		const binary = item.binary?.[property];
		if (!binary) return undefined;
		return binary.id
			? bytes.get(binary.id)
			: binary.data
				? Buffer.from(binary.data, 'base64')
				: undefined;
	};
	return {
		read,
		problem:
			unreadable.length > 0
				? `main could not read binary data a worker stored: ${unreadable.join(', ')}`
				: undefined,
	};
}

interface Ran {
	executionId: string;
	run: RawRun;
	/** What n8n sent the stand-in meanwhile, each call with the process that made it. */
	calls: Exchange[];
}

/** Calls the workflow's production webhook on main and waits for its execution record to finish. */
async function runProduction(
	main: N8nInstance,
	client: RestClient,
	postgres: Postgres,
	gate: KeyGate,
	workflow: WorkflowFile,
): Promise<Ran> {
	const mark = gate.lastSeq();
	const answer = await callWebhook(main, webhookPath(workflow.json.id));
	if (answer.status !== 200)
		throw new Error(
			`POST /webhook/${webhookPath(workflow.json.id)} answered ${answer.status}: ${answer.text.slice(0, 500)}`,
		);
	const [record] = await finishedExecutions(postgres, workflow.json.id);
	if (record.mode !== 'webhook')
		throw new Error(
			`execution ${record.id} has mode "${record.mode}", expected a production "webhook" execution`,
		);
	return {
		executionId: record.id,
		run: await loadExecution(client, record.id),
		calls: gate.since(mark),
	};
}

/** Files under a user folder's local binary-data storage (there should be none in database mode). */
function localBinaryFiles(instance: N8nInstance): string[] {
	const storage = join(instance.home, '.n8n', 'storage');
	if (!existsSync(storage)) return [];
	return readdirSync(storage, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath, entry.name));
}

async function main(): Promise<void> {
	installExitHandlers();
	const started = performance.now();
	const cases = await loadWorkflowCases(WORKFLOWS_DIR);
	// examples started by a trigger of this package are for scale-triggers.ts; the others get a webhook copy
	const examples = (await loadExampleCases(EXAMPLES_DIR)).filter((e) =>
		e.json.nodes.some((n) => n.type === MANUAL_TRIGGER),
	);
	const triggerWorkflows = queueTriggerWorkflows().all;

	let t = performance.now();
	const services = await startQueueServices();
	log(
		`PostgreSQL on 127.0.0.1:${services.postgres.port}, Redis on 127.0.0.1:${services.redis.port} (${seconds(t)})`,
	);
	const env = queueEnv(services);

	let bad: BadCredentials | undefined;
	const setup = await setUp({
		name: 'scale-main',
		workflows: [
			...[...cases, ...examples].map((w) => asWebhookWorkflow(w.json)),
			...triggerWorkflows.map((w) => w.json),
		],
		extraCredentials: async (endpoint) => {
			bad = await badCredentials(endpoint);
			return [bad.wrongKey, bad.unreachable];
		},
		env,
	});
	const main = setup.instance;

	t = performance.now();
	log(`Starting n8n in queue mode: main + ${WORKERS} workers…`);
	const [server, ...workers] = await Promise.all([
		startServer(main),
		...Array.from({ length: WORKERS }, (_, i) =>
			startWorker({ name: `scale-worker-${i + 1}`, main, env }),
		),
	]);
	onCleanup(() => server.stop()); // before PostgreSQL, which waits for its clients to leave
	setup.gate.identifyClients(
		connectionOwner([{ name: MAIN_INSTANCE, child: server.child }, ...workers], setup.gate.port),
	);
	log(
		`Main at ${main.baseUrl}, workers ${workers.map((w) => w.name).join(', ')} ready (${seconds(t)})`,
	);
	const client = new RestClient(main.baseUrl);
	try {
		await client.ownerLogin();
	} catch (error) {
		const state =
			server.child.exitCode === null ? 'running' : `exited with ${server.child.exitCode}`;
		throw new Error(
			`${errorText(error)}\nn8n main (${state}) said:\n${server.output().slice(-3000)}`,
		);
	}

	t = performance.now();
	for (const workflow of [...cases, ...examples]) await publishWorkflow(client, workflow.json.id);
	log(`Published ${cases.length + examples.length} webhook workflow(s) on main (${seconds(t)})`);

	// one at a time, so that the stand-in traffic recorded while a workflow runs is its own
	const ran: Ran[] = [];
	for (const wf of cases) {
		const name = `production run of ${wf.file}: ${wf.expectation.description}`;
		try {
			const result = await runProduction(main, client, services.postgres, setup.gate, wf);
			ran.push(result);
			const binaries = await binariesFromMain(client, result.run);
			const problem =
				runDataProblem(wf.json.nodes, result.run) ??
				binaries.problem ??
				(await checkExpectation(wf, result.run, binaries.read, result.calls));
			if (problem) tally.fail(name, problem);
			else tally.pass(name, `execution ${result.executionId}`);
		} catch (error) {
			tally.fail(name, tally.errorText(error));
		}
	}
	for (const example of examples) {
		const name = `production run of example ${example.file}: "${example.json.name}"`;
		try {
			const result = await runProduction(main, client, services.postgres, setup.gate, example);
			ran.push(result);
			const binaries = await binariesFromMain(client, result.run);
			const { expectation } = example;
			const problem =
				runDataProblem(example.json.nodes, result.run, { noErrorItems: !expectation }) ??
				binaries.problem ??
				(expectation
					? await checkExpectation(
							{ ...example, expectation },
							result.run,
							binaries.read,
							result.calls,
						)
					: undefined);
			if (problem) tally.fail(name, problem);
			else tally.pass(name, `execution ${result.executionId}`);
		} catch (error) {
			tally.fail(name, tally.errorText(error));
		}
	}

	// n8n's records: every execution is a production one, taken off the queue by exactly one worker, and both worked
	try {
		const records = await executionRecords(
			services.postgres,
			[...cases, ...examples].map((w) => w.json.id),
		);
		const notProduction = records.filter((r) => r.mode !== 'webhook');
		if (notProduction.length > 0)
			throw new Error(`not production executions: ${JSON.stringify(notProduction)}`);
		const takenBy = await workerOfExecutions(
			workers,
			records.map((r) => r.id),
		);
		const wrong = [...takenBy].filter(([, names]) => names.length !== 1);
		if (wrong.length > 0)
			throw new Error(
				`executions not run by exactly one worker: ${wrong.map(([id, names]) => `${id} → [${names.join(', ')}]`).join('; ')}`,
			);
		const perWorker = workers.map((w) => ({
			worker: w.name,
			executions: [...takenBy].filter(([, names]) => names[0] === w.name).map(([id]) => id),
		}));
		for (const { worker, executions } of perWorker)
			log(`  ${worker} ran ${executions.length} execution(s): ${executions.join(', ')}`);
		const idle = perWorker.filter((w) => w.executions.length === 0);
		if (idle.length > 0)
			throw new Error(`${idle.map((w) => w.worker).join(', ')} ran no execution`);
		tally.pass(
			`queue: ${records.length} production executions, each run by one worker, every worker ran some`,
			perWorker.map((w) => `${w.worker}: ${w.executions.length}`).join(', '),
		);
	} catch (error) {
		tally.fail('queue: executions are spread over the workers', tally.errorText(error));
	}

	// the gate names the process behind each call: an execution's calls are the worker's that ran it, never main's
	try {
		const takenBy = await workerOfExecutions(
			workers,
			ran.map((r) => r.executionId),
		);
		const callers = ran.map((r) => ({
			id: r.executionId,
			ranBy: takenBy.get(r.executionId)?.[0],
			from: [...new Set(r.calls.map(callerName))],
		}));
		const elsewhere = callers.filter((c) => c.from.some((name) => name !== c.ranBy));
		if (elsewhere.length > 0)
			throw new Error(
				`calls not made by the worker that ran the execution: ${elsewhere.map((c) => `${c.id} (run by ${c.ranBy}) ← ${c.from.join(', ')}`).join('; ')}`,
			);
		const perCaller = workers.map(
			(w) =>
				`${w.name}: ${ran.flatMap((r) => r.calls).filter((call) => call.client === w.name).length}`,
		);
		tally.pass(
			"queue: each execution's Appwrite calls came from the worker that ran it",
			`calls by ${perCaller.join(', ')}`,
		);
	} catch (error) {
		tally.fail(
			"queue: each execution's Appwrite calls came from the worker that ran it",
			tally.errorText(error),
		);
	}

	// binary data in queue mode lives in the shared database, never on one instance's disk
	try {
		const ids = ran.flatMap((r) => binaryIds(r.run));
		if (ids.length === 0) throw new Error('no execution produced binary data');
		const notDatabase = ids.filter((id) => !id.startsWith('database:'));
		if (notDatabase.length > 0)
			throw new Error(`binary data outside the database: ${notDatabase.join(', ')}`);
		const onDisk = [main, ...workers.map((w) => w.instance)].flatMap(localBinaryFiles);
		if (onDisk.length > 0)
			throw new Error(`binary files on an instance's disk: ${onDisk.join(', ')}`);
		tally.pass(
			'binary data: stored by the workers in PostgreSQL and served by main',
			`${ids.length} binary item(s)`,
		);
	} catch (error) {
		tally.fail(
			'binary data: stored by the workers in PostgreSQL and served by main',
			tally.errorText(error),
		);
	}

	if (bad) await checkCredentialTests(client, setup.credential, bad, tally);

	t = performance.now();
	await checkQueueTriggers({ setup, client, postgres: services.postgres, workers, tally });
	log(`Trigger checks took ${seconds(t)}`);

	try {
		const untested = await untestedTriggers(client, PACKAGE_NAME);
		if (untested.length > 0) {
			tally.fail(
				'triggers: every trigger node has a queue-mode check',
				`no check in tests/e2e/scale-triggers.ts for: ${untested.join(', ')}`,
			);
		} else {
			tally.pass('triggers: every trigger node has a queue-mode check');
		}
	} catch (error) {
		tally.fail('triggers: every trigger node has a queue-mode check', tally.errorText(error));
	}

	await Promise.all([server.stop(), ...workers.map((w) => w.stop())]);
	const attempts = [main, ...workers.map((w) => w.instance)].flatMap(blockedAttempts);
	if (attempts.length === 0)
		tally.pass('network: main, workers and the package only talked to 127.0.0.1');
	else {
		const targets = [
			...new Set(attempts.map((a) => `${a.kind} ${a.target} (n8n ${a.argv.join(' ')})`)),
		];
		tally.fail(
			'network: main, workers and the package only talked to 127.0.0.1',
			`blocked attempts:\n${targets.join('\n')}`,
		);
	}
	log(`scale test took ${seconds(started)}`);
}

function seconds(since: number): string {
	return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

main()
	.catch((error: unknown) => tally.fail('scale setup', tally.errorText(error)))
	.finally(async () => {
		await cleanupAll();
		process.exit(tally.finish());
	});
