/**
 * n8n's scale-out engine ("queue mode") for the scale test and benchmark: PostgreSQL as the shared
 * database, Redis as the job queue, one main instance (editor, REST, webhooks, triggers) and
 * `n8n worker` processes that run the executions. Every instance has its own user folder with
 * this package installed, as separate machines or containers would, and shares only what n8n
 * documents as shared: the database, Redis, and the encryption key.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type { Exchange } from './keygate';
import { createInstance, type N8nInstance, type RawRun, type RestClient } from './n8n';
import { N8N_BIN, NODE24_NODE, WORK_DIR } from './paths';
import { freePort } from './ports';
import { describeEnd, onCleanup, startProcess, stopProcess, type Started } from './proc';
import {
	ensureServicePackages,
	startPostgres,
	startRedis,
	type Postgres,
	type Service,
} from './services';
import type { WorkflowFile, WorkflowNode } from './workflows';

export interface QueueServices {
	postgres: Postgres;
	redis: Service;
}

/** Installs (first run) and starts PostgreSQL and Redis on loopback ports. */
export async function startQueueServices(): Promise<QueueServices> {
	await ensureServicePackages();
	const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
	return { postgres, redis };
}

/** Every instance of one n8n installation uses the same PostgreSQL database. */
export function postgresEnv(postgres: Postgres): NodeJS.ProcessEnv {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
	};
}

/**
 * Queue mode as n8n 2.41 documents it. Binary data goes to the database (2.41's default in queue
 * mode, set explicitly): a file one instance writes must be readable by whichever instance handles
 * the next step, and no instance shares another's disk. Manual runs from the editor are sent to
 * the workers too, which n8n 3 makes the only behaviour; the main instance then runs nothing itself
 * and starts no task runner.
 */
export function queueEnv(services: QueueServices): NodeJS.ProcessEnv {
	return {
		...postgresEnv(services.postgres),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(services.redis.port),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

export interface Worker extends Started {
	name: string;
	instance: N8nInstance;
	stop(): Promise<void>;
}

/**
 * n8n writes a worker's events to this file in its user folder (one JSON object a line). The
 * events name the process by its host id, `worker-<hostname>` inside a container, which is the
 * same for two workers on one host; the file, in each worker's own folder, tells them apart.
 */
function workerEventLog(instance: N8nInstance): string {
	return join(instance.home, '.n8n', 'n8nEventLog-worker.log');
}

export interface LoggedEvent {
	eventName: string;
	payload: Record<string, unknown>;
}

/** The events a worker logged so far. */
export function workerEvents(worker: Worker): LoggedEvent[] {
	const file = workerEventLog(worker.instance);
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as LoggedEvent);
}

/** Which worker's event log records taking each execution off the queue (n8n.queue.job.dequeued). */
export async function workerOfExecutions(
	workers: Worker[],
	executionIds: string[],
): Promise<Map<string, string[]>> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const takenBy = new Map<string, string[]>(executionIds.map((id) => [id, []]));
		for (const worker of workers) {
			for (const event of workerEvents(worker)) {
				if (event.eventName !== 'n8n.queue.job.dequeued') continue;
				takenBy.get(String(event.payload.executionId))?.push(worker.name);
			}
		}
		// the event log is written asynchronously: give the last lines a moment
		if ([...takenBy.values()].every((names) => names.length > 0) || Date.now() > deadline)
			return takenBy;
		await new Promise((r) => setTimeout(r, 300));
	}
}

/**
 * `n8n worker` in its own user folder, with the package copied from the main instance's folder
 * (the same installed package on every instance). Resolves once its readiness check answers
 * (database and Redis connected, taking jobs).
 */
export async function startWorker(options: {
	name: string;
	main: N8nInstance;
	env: NodeJS.ProcessEnv;
	concurrency?: number;
}): Promise<Worker> {
	const instance = await createInstance({
		name: options.name,
		workDir: WORK_DIR,
		env: options.env,
	});
	cpSync(join(options.main.home, '.n8n', 'nodes'), join(instance.home, '.n8n', 'nodes'), {
		recursive: true,
	});
	const healthPort = await freePort();
	const started = startProcess(
		NODE24_NODE,
		[N8N_BIN, 'worker', `--concurrency=${options.concurrency ?? 10}`],
		{
			cwd: instance.home,
			env: {
				...instance.env,
				// every instance reports main's public URLs (the worker's own port serves nothing)
				N8N_WEBHOOK_URL: options.main.env.N8N_WEBHOOK_URL,
				N8N_EDITOR_BASE_URL: options.main.env.N8N_EDITOR_BASE_URL,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			},
		},
	);
	let stopped: Promise<void> | undefined;
	const stop = () => (stopped ??= stopProcess(started.child, 20_000));
	onCleanup(stop);
	const worker: Worker = { ...started, name: options.name, instance, stop };
	const deadline = Date.now() + 120_000;
	for (;;) {
		if (started.child.exitCode !== null || started.child.signalCode !== null) {
			throw new Error(
				`n8n worker ${options.name} ended (${describeEnd(started.child.exitCode, started.child.signalCode)}):\n${started.output().slice(-4000)}`,
			);
		}
		if (await answers(`http://127.0.0.1:${healthPort}/healthz/readiness`)) return worker;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`n8n worker ${options.name} was not ready within 120 s:\n${started.output().slice(-4000)}`,
			);
		}
		await new Promise((r) => setTimeout(r, 300));
	}
}

async function answers(url: string): Promise<boolean> {
	try {
		return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
	} catch {
		return false;
	}
}

/** What `read` lists, or nothing when the process or file it reads ended meanwhile. */
function listOrNone(read: () => string[]): string[] {
	try {
		return read();
	} catch {
		return [];
	}
}

/** A process and every process it started, by pid (/proc/<pid>/task/<tid>/children). */
function processTree(pid: number): number[] {
	const pids = [pid];
	for (let i = 0; i < pids.length; i++) {
		for (const task of listOrNone(() => readdirSync(`/proc/${pids[i]}/task`))) {
			const children = listOrNone(() =>
				readFileSync(`/proc/${pids[i]}/task/${task}/children`, 'utf8').split(' '),
			);
			pids.push(...children.filter(Boolean).map(Number));
		}
	}
	return pids;
}

/** Whether the process has a file descriptor on `target` (e.g. `socket:[12345]`). */
function holds(pid: number, target: string): boolean {
	return listOrNone(() => readdirSync(`/proc/${pid}/fd`)).some(
		(fd) => listOrNone(() => [readlinkSync(`/proc/${pid}/fd/${fd}`)])[0] === target,
	);
}

/** 127.0.0.1:<port> as /proc/net/tcp writes it (the address in host byte order: little-endian x86-64 and arm64). */
function procTcpAddress(port: number): string {
	return `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The name `connectionOwner` gives the main instance (the workers go by their own names). */
export const MAIN_INSTANCE = 'main';

/** Who made a recorded call: its `client`, as `connectionOwner` named it. */
export function callerName(call: Exchange): string {
	return call.client ?? 'an unidentified process';
}

/**
 * Names the process behind a TCP connection from 127.0.0.1:<clientPort> to 127.0.0.1:<serverPort>
 * among `processes` (each with the processes it started), from Linux's /proc: the client end's
 * socket inode in /proc/net/tcp, then the process holding a file descriptor on that socket. This
 * tells n8n's main instance and its workers apart, which share one credential and so one endpoint.
 * It can only answer while the connection is open, e.g. when a request arrives.
 */
export function connectionOwner(
	processes: Array<{ name: string; child: ChildProcess }>,
	serverPort: number,
): (clientPort: number) => string | undefined {
	return (clientPort) => {
		const entry = readFileSync('/proc/net/tcp', 'utf8')
			.split('\n')
			.map((line) => line.trim().split(/\s+/))
			.find(
				(fields) =>
					fields[1] === procTcpAddress(clientPort) && fields[2] === procTcpAddress(serverPort),
			);
		if (!entry) return undefined;
		const socket = `socket:[${entry[9]}]`;
		return processes.find(
			({ child }) =>
				child.pid !== undefined && processTree(child.pid).some((pid) => holds(pid, socket)),
		)?.name;
	};
}

export const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';

/** The production URL path of a workflow's webhook copy. */
export function webhookPath(workflowId: string): string {
	return `scale-${workflowId.toLowerCase()}`;
}

/**
 * The same workflow started by a production webhook instead of the Manual Trigger: once active,
 * `POST /webhook/<path>` on the main instance makes a production execution (mode `webhook`),
 * which main puts on the queue for a worker. The trigger keeps its name, so expectations that
 * name nodes still apply. `onReceived` answers at once; the run is found in the execution records.
 */
export function asWebhookWorkflow<T extends WorkflowFile['json']>(workflow: T): T {
	const nodes = workflow.nodes.map(
		(node): WorkflowNode =>
			node.type === MANUAL_TRIGGER
				? {
						...node,
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						webhookId: randomUUID(),
						parameters: {
							httpMethod: 'POST',
							path: webhookPath(workflow.id),
							responseMode: 'onReceived',
							options: {},
						},
					}
				: node,
	);
	return { ...workflow, nodes, active: false };
}

/** Publishes (activates) a workflow the way the editor's Publish button does; main registers its webhooks. */
export async function publishWorkflow(client: RestClient, workflowId: string): Promise<void> {
	const current = await client.request<{ versionId: string }>('GET', `/workflows/${workflowId}`);
	if (current.status !== 200)
		throw new Error(
			`GET /rest/workflows/${workflowId} answered ${current.status}: ${JSON.stringify(current.raw)}`,
		);
	const published = await client.request('POST', `/workflows/${workflowId}/activate`, {
		versionId: current.data.versionId,
	});
	if (published.status !== 200) {
		throw new Error(
			`Publishing ${workflowId} answered ${published.status}: ${JSON.stringify(published.raw).slice(0, 1000)}`,
		);
	}
}

/** Calls a production webhook on the main instance. */
export async function callWebhook(
	main: N8nInstance,
	path: string,
	body: unknown = {},
): Promise<{ status: number; text: string }> {
	const response = await fetch(`${main.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(60_000),
	});
	return { status: response.status, text: await response.text() };
}

export interface ExecutionRecord {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** n8n's execution records (table execution_entity) of some workflows, oldest first. */
export async function executionRecords(
	postgres: Postgres,
	workflowIds: string[],
): Promise<ExecutionRecord[]> {
	const ids = workflowIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
	const rows = await postgres.query(
		`SELECT id, "workflowId", mode, status FROM execution_entity WHERE "workflowId" IN (${ids}) ORDER BY id`,
	);
	return rows.map(([id, workflowId, mode, status]) => ({ id, workflowId, mode, status }));
}

/** Waits until the workflow has `count` finished executions and returns them. */
export async function finishedExecutions(
	postgres: Postgres,
	workflowId: string,
	count = 1,
	timeoutMs = 120_000,
): Promise<ExecutionRecord[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const records = await executionRecords(postgres, [workflowId]);
		const finished = records.filter((r) => FINISHED.has(r.status));
		if (finished.length >= count) return finished;
		if (Date.now() > deadline) {
			throw new Error(
				`workflow ${workflowId}: ${finished.length} of ${count} execution(s) finished after ${timeoutMs} ms (records: ${JSON.stringify(records)})`,
			);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** An execution as the editor loads it (`GET /rest/executions/:id`; its run data is in n8n's flatted form). */
export async function loadExecution(client: RestClient, executionId: string): Promise<RawRun> {
	const response = await client.request<{ data: string; status: string; finished: boolean }>(
		'GET',
		`/executions/${executionId}`,
	);
	if (response.status !== 200)
		throw new Error(
			`GET /rest/executions/${executionId} answered ${response.status}: ${JSON.stringify(response.raw).slice(0, 500)}`,
		);
	const { parse } = await import('flatted'); // ESM-only types; n8n stores run data in this form
	return {
		status: response.data.status,
		finished: response.data.finished,
		data: parse(response.data.data) as RawRun['data'],
	};
}
