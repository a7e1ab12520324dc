/**
 * Throughput of production executions on n8n 2.41.1: `npm run bench:scale [-- N]` (default 200).
 *
 * One workflow, a production webhook → Appwrite Users → Get (the e2e users-get workflow, started
 * by a webhook), against a fixed-answer Appwrite stub (bench-standin.ts). In one run, with one
 * PostgreSQL database and one n8n user folder, it measures the same N executions three ways:
 *   regular           the main instance runs every execution itself (the reference)
 *   queue, 1 worker   main takes the webhooks and queues them in Redis; one `n8n worker` runs them
 *   queue, 2 workers  the same with a second worker
 * Before each measurement a few executions warm the instances up. The clients keep IN_FLIGHT
 * webhook calls open at once. Executions per second come from n8n's execution records
 * (PostgreSQL): N over the time from the first execution's creation to the last one's end. Also
 * printed, because on a shared 2-core machine the rate depends on what else runs: the CPU time n8n
 * (main and workers) spent per execution, how busy the machine's CPUs were, the load average when
 * the measurement began, and the CPU seconds of every process involved.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

import { startServer, type N8nInstance, RestClient } from './lib/n8n';
import { WORKFLOWS_DIR } from './lib/paths';
import { cleanupAll, installExitHandlers, log, onCleanup } from './lib/proc';
import {
	asWebhookWorkflow,
	callWebhook,
	postgresEnv,
	publishWorkflow,
	queueEnv,
	startQueueServices,
	startWorker,
	webhookPath,
	workerEvents,
	type QueueServices,
	type Worker,
} from './lib/queue';
import { setUp } from './lib/setup';
import { loadWorkflowFiles } from './lib/workflows';

const EXECUTIONS = Number(process.argv[2] ?? 200);
const WARM_UP = 20;
const IN_FLIGHT = 20;

/**
 * CPU time (s) of a process and all its descendants, from /proc: n8n's task runners and
 * PostgreSQL's backends (which leave the server's process group) included, and the children they
 * already reaped (cutime, cstime).
 */
function treeCpuSeconds(rootPid: number): number {
	const tick = 100; // USER_HZ on Linux
	const processes = new Map<number, { parent: number; seconds: number }>();
	for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		let stat: string;
		try {
			stat = readFileSync(`/proc/${name}/stat`, 'utf8');
		} catch {
			continue; // exited meanwhile
		}
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from the 3rd field on
		const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number); // 14th to 17th
		processes.set(Number(name), {
			parent: Number(fields[1]),
			seconds: (utime + stime + cutime + cstime) / tick,
		});
	}
	let total = 0;
	const pending = [rootPid];
	for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
		total += processes.get(pid)?.seconds ?? 0;
		for (const [child, info] of processes) if (info.parent === pid) pending.push(child);
	}
	return total;
}

/** Busy and total CPU time of the whole machine (all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
	const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
	const busy = user + nice + system + irq + softirq + steal;
	return { busy, total: busy + idle + iowait };
}

async function callAll(main: N8nInstance, path: string, count: number): Promise<void> {
	let started = 0;
	await Promise.all(
		Array.from({ length: Math.min(IN_FLIGHT, count) }, async () => {
			while (started < count) {
				started++;
				const answer = await callWebhook(main, path);
				if (answer.status !== 200)
					throw new Error(`webhook answered ${answer.status}: ${answer.text.slice(0, 300)}`);
			}
		}),
	);
}

async function lastExecutionId(services: QueueServices): Promise<number> {
	const [[id]] = await services.postgres.query('SELECT coalesce(max(id), 0) FROM execution_entity');
	return Number(id);
}

/** Waits until every execution after `afterId` has finished; returns their count, successes and span. */
async function settle(
	services: QueueServices,
	afterId: number,
	expected: number,
): Promise<{ succeeded: number; seconds: number }> {
	const deadline = Date.now() + 600_000;
	for (;;) {
		const [[total, finished, succeeded, seconds]] = await services.postgres.query(
			`SELECT count(*), count(*) FILTER (WHERE status IN ('success', 'error', 'crashed', 'canceled')),
			        count(*) FILTER (WHERE status = 'success'),
			        extract(epoch FROM max("stoppedAt") - min("createdAt"))
			   FROM execution_entity WHERE id > ${afterId}`,
		);
		if (Number(total) >= expected && finished === total)
			return { succeeded: Number(succeeded), seconds: Number(seconds) };
		if (Date.now() > deadline)
			throw new Error(`${finished} of ${expected} executions finished after 10 min`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Production webhooks answer 404 until main has registered them at start-up; the first 200 starts one run. */
async function webhookLive(main: N8nInstance, path: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while ((await callWebhook(main, path)).status !== 200) {
		if (Date.now() > deadline)
			throw new Error(`POST /webhook/${path} did not answer 200 within 60 s`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

interface Measurement {
	mode: string;
	perSecond: number;
	seconds: number;
	/** The machine's 1-minute load average when the measurement started. */
	load: number;
	cpuBusy: number;
	cpuSeconds: Array<{ process: string; seconds: number }>;
	perWorker?: string;
}

async function measure(
	mode: string,
	services: QueueServices,
	main: { instance: N8nInstance; pid: number },
	workers: Worker[],
	path: string,
): Promise<Measurement> {
	await webhookLive(main.instance, path);
	let mark = await lastExecutionId(services);
	await callAll(main.instance, path, WARM_UP);
	await settle(services, mark, WARM_UP);

	mark = await lastExecutionId(services);
	const processes = [
		{ process: 'main', pid: main.pid },
		...workers.map((w) => ({ process: w.name, pid: w.child.pid ?? -1 })),
		{ process: 'postgres', pid: services.postgres.child.pid ?? -1 },
		{ process: 'redis', pid: services.redis.child.pid ?? -1 },
	];
	const cpuSeconds = () => [
		...processes.map((p) => treeCpuSeconds(p.pid)),
		// this script: the Appwrite stub, the key gate and the webhook clients
		(process.cpuUsage().user + process.cpuUsage().system) / 1e6,
	];
	const cpuBefore = cpuSeconds();
	const [load] = loadavg();
	const machineBefore = machineCpu();
	await callAll(main.instance, path, EXECUTIONS);
	const { succeeded, seconds } = await settle(services, mark, EXECUTIONS);
	const machineAfter = machineCpu();
	if (succeeded !== EXECUTIONS)
		throw new Error(`${mode}: ${succeeded} of ${EXECUTIONS} executions succeeded`);

	let perWorker: string | undefined;
	if (workers.length > 1) {
		await new Promise((r) => setTimeout(r, 1000)); // the event logs are written asynchronously
		perWorker = workers
			.map((w) => {
				const taken = workerEvents(w).filter(
					(e) => e.eventName === 'n8n.queue.job.dequeued' && Number(e.payload.executionId) > mark,
				);
				return `${w.name} ${taken.length}`;
			})
			.join(', ');
	}
	return {
		mode,
		perSecond: EXECUTIONS / seconds,
		seconds,
		load,
		cpuBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
		cpuSeconds: cpuSeconds().map((after, i) => ({
			process: processes[i]?.process ?? 'stub+clients',
			seconds: after - cpuBefore[i],
		})),
		perWorker,
	};
}

async function main(): Promise<void> {
	installExitHandlers();
	if (!Number.isInteger(EXECUTIONS) || EXECUTIONS < 1)
		throw new Error(`N must be a positive whole number, got ${process.argv[2]}`);
	process.env.E2E_STANDIN_MODULE = join(__dirname, 'bench-standin.ts');
	const usersGet = loadWorkflowFiles(WORKFLOWS_DIR).find((w) => w.file === 'users-get');
	if (!usersGet) throw new Error('tests/e2e/workflows/users-get.json is missing');
	const workflow = asWebhookWorkflow(usersGet.json);
	const path = webhookPath(workflow.id);

	const services = await startQueueServices();
	const setup = await setUp({
		name: 'bench-scale',
		workflows: [workflow],
		env: postgresEnv(services.postgres),
	});
	const instance = setup.instance;
	const results: Measurement[] = [];

	log('Measuring regular mode (main runs the executions)…');
	const regular = await startServer(instance, { env: { EXECUTIONS_MODE: 'regular' } });
	onCleanup(() => regular.stop()); // before PostgreSQL, which waits for its clients to leave
	const client = new RestClient(instance.baseUrl);
	await client.ownerLogin();
	await publishWorkflow(client, workflow.id);
	results.push(
		await measure(
			'regular (main only)',
			services,
			{ instance, pid: regular.child.pid ?? -1 },
			[],
			path,
		),
	);
	await regular.stop();

	log('Measuring queue mode with 1 worker…');
	const env = queueEnv(services);
	const [queueMain, first] = await Promise.all([
		startServer(instance, { env }),
		startWorker({ name: 'worker-1', main: instance, env }),
	]);
	onCleanup(() => queueMain.stop());
	const queueMainProcess = { instance, pid: queueMain.child.pid ?? -1 };
	results.push(await measure('queue, 1 worker', services, queueMainProcess, [first], path));

	log('Measuring queue mode with 2 workers…');
	const second = await startWorker({ name: 'worker-2', main: instance, env });
	results.push(
		await measure('queue, 2 workers', services, queueMainProcess, [first, second], path),
	);
	await Promise.all([queueMain.stop(), first.stop(), second.stop()]);

	console.log(
		`\nbench:scale: ${EXECUTIONS} production executions of webhook → Appwrite Users → Get, ${IN_FLIGHT} webhook calls in flight, ` +
			`n8n 2.41.1, PostgreSQL + Redis on this machine, ${availableParallelism()} CPU(s)`,
	);
	const header = [
		'mode'.padEnd(18),
		'exec/s'.padStart(6),
		'span s'.padStart(6),
		'n8n CPU ms/exec'.padStart(15),
		'CPU busy'.padStart(8),
		'load'.padStart(5),
	];
	console.log(`${header.join('  ')}  CPU seconds by process`);
	for (const r of results) {
		const n8nCpu = r.cpuSeconds
			.filter((c) => c.process === 'main' || c.process.startsWith('worker'))
			.reduce((sum, c) => sum + c.seconds, 0);
		const row = [
			r.mode.padEnd(18),
			r.perSecond.toFixed(1).padStart(6),
			r.seconds.toFixed(1).padStart(6),
			((n8nCpu * 1000) / EXECUTIONS).toFixed(0).padStart(15),
			`${Math.round(r.cpuBusy * 100)}%`.padStart(8),
			r.load.toFixed(1).padStart(5),
		];
		console.log(
			`${row.join('  ')}  ${r.cpuSeconds.map((c) => `${c.process} ${c.seconds.toFixed(1)}`).join(', ')}`,
		);
	}
	const twoWorkers = results[2];
	if (twoWorkers.perWorker)
		console.log(`executions per worker with 2 workers: ${twoWorkers.perWorker}`);
	console.log(
		`queue mode, 2 workers vs 1: ${(twoWorkers.perSecond / results[1].perSecond).toFixed(2)}x; 1 worker vs regular: ${(results[1].perSecond / results[0].perSecond).toFixed(2)}x`,
	);
}

main()
	.catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
		process.exitCode = 1;
	})
	.finally(async () => {
		await cleanupAll();
		process.exit(process.exitCode ?? 0);
	});
