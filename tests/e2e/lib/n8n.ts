/**
 * A private n8n instance: its own N8N_USER_FOLDER under tests/e2e/.work/, a fixed encryption key,
 * its own ports on 127.0.0.1, and every outbound feature (telemetry, version checks, templates,
 * banners, license renewal) turned off. CLI commands and the server run on Node 24.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { node24Env } from './install';
import { E2E_DIR, N8N_BIN, NODE24_NODE } from './paths';
import { freePorts } from './ports';
import {
	describeEnd,
	log,
	run,
	startProcess,
	stopProcess,
	type RunResult,
	type Started,
} from './proc';
import { RUNNERS_AUTH_TOKEN, startTaskRunner, type TaskRunner } from './task-runner';

/** Fixed, test-only key: imported credentials stay decryptable across commands and runs. */
export const ENCRYPTION_KEY = 'appwrite-suite-e2e-not-a-secret-0001';

/** The owner account created in each instance (only reachable on 127.0.0.1). */
export const OWNER = {
	email: 'owner@appwrite-suite.test',
	firstName: 'Appwrite',
	lastName: 'Suite',
	password: 'E2e-owner-pass-1',
};

export interface N8nInstance {
	/** N8N_USER_FOLDER; n8n keeps its data under `<home>/.n8n`. */
	home: string;
	/** JSON lines, one per blocked attempt to reach a non-loopback address (see net-guard.cjs). */
	netGuardLog: string;
	port: number;
	brokerPort: number;
	env: NodeJS.ProcessEnv;
	baseUrl: string;
}

export interface InstanceOptions {
	/** Folder name under tests/e2e/.work/. */
	name: string;
	/** Delete the folder first (default true): every run starts from an empty database. */
	fresh?: boolean;
	workDir: string;
	/** Editor/REST port; default: a free port picked by the OS. */
	port?: number;
	/** Further environment for every n8n command of this instance (e.g. queue mode, PostgreSQL). */
	env?: NodeJS.ProcessEnv;
}

export async function createInstance(options: InstanceOptions): Promise<N8nInstance> {
	const home = join(options.workDir, options.name);
	if (options.fresh !== false) rmSync(home, { recursive: true, force: true });
	mkdirSync(join(home, '.n8n'), { recursive: true });
	const [freeA, brokerPort] = await freePorts(2);
	const port = options.port ?? freeA;
	const env = node24Env({
		N8N_USER_FOLDER: home,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// nothing leaves the machine
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_PYTHON_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// `n8n start` refreshes its MCP server catalogue from api.n8n.io at boot
		N8N_DISABLED_MODULES: 'mcp-registry',
		// the node picker fetches n8n's list of verified community packages (offline: a stack trace per opening)
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		// Settings → Community Nodes runs `npm outdated` in the nodes folder, which asks the npm registry (blocked
		// here: with retries the page took over a minute); from the cache only it fails at once and lists the packages
		npm_config_offline: 'true',
		// anything else that tries to leave the machine fails fast and is logged (lib/net-guard.cjs)
		NODE_OPTIONS: `--require ${join(E2E_DIR, 'lib', 'net-guard.cjs')}`,
		E2E_NET_GUARD_LOG: join(home, 'net-guard.log'),
		// explicit, so n8n prints no deprecation notice about changing defaults (DeprecationService)
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(256 * 1024 * 1024),
		N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '1000',
		// the JS task runner runs as its own process (lib/task-runner.ts), not inside n8n (deprecated)
		N8N_RUNNERS_MODE: 'external',
		N8N_RUNNERS_AUTH_TOKEN: RUNNERS_AUTH_TOKEN,
		N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL ?? 'warn',
		DB_SQLITE_POOL_SIZE: '2',
		// the stand-in is plain http on 127.0.0.1; keep any machine proxy settings out of it
		NO_PROXY: '127.0.0.1,localhost',
		no_proxy: '127.0.0.1,localhost',
		...options.env,
	});
	return {
		home,
		netGuardLog: join(home, 'net-guard.log'),
		port,
		brokerPort,
		env,
		baseUrl: `http://127.0.0.1:${port}`,
	};
}

/**
 * Runs `n8n <args>` to completion (a CLI command: import, execute…), with lib/exit-guard.cjs
 * preloaded: n8n's expression engine is shut down before the command exits (see there why).
 */
export function n8nCli(
	instance: N8nInstance,
	args: string[],
	options: { allowFailure?: boolean; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
	const nodeOptions =
		`${instance.env.NODE_OPTIONS ?? ''} --require ${join(E2E_DIR, 'lib', 'exit-guard.cjs')}`.trim();
	return run(NODE24_NODE, [N8N_BIN, ...args], {
		cwd: instance.home,
		env: { ...instance.env, NODE_OPTIONS: nodeOptions, ...options.env },
		quiet: true,
		allowFailure: options.allowFailure,
		timeoutMs: options.timeoutMs ?? 180_000,
	});
}

export interface CredentialFile {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** `n8n import:credentials`: plain `data` is encrypted with the instance's key on import. */
export async function importCredentials(
	instance: N8nInstance,
	credentials: CredentialFile[],
): Promise<void> {
	const file = join(instance.home, 'import-credentials.json');
	writeFileSync(file, JSON.stringify(credentials, null, 2));
	await n8nCli(instance, ['import:credentials', `--input=${file}`]);
	rmSync(file, { force: true }); // holds keys in plain text
}

/** `n8n import:workflow --separate`: imports every JSON file of one folder in one command. */
export async function importWorkflows(instance: N8nInstance, workflows: object[]): Promise<void> {
	const dir = join(instance.home, 'import-workflows');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	workflows.forEach((workflow, index) =>
		writeFileSync(
			join(dir, `${String(index).padStart(3, '0')}.json`),
			JSON.stringify(workflow, null, 2),
		),
	);
	await n8nCli(instance, ['import:workflow', '--separate', `--input=${dir}`]);
}

/** What `n8n execute --rawOutput` prints: the execution's IRun object. */
export interface RawRun {
	status?: string;
	finished?: boolean;
	data: {
		resultData: {
			runData: Record<string, NodeRunData[]>;
			error?: { message?: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
}

export interface NodeRunData {
	executionStatus?: string;
	error?: { message?: string; description?: string; httpCode?: string };
	data?: { main?: Array<N8nItem[] | null> };
}

export interface N8nItem {
	json: Record<string, unknown>;
	binary?: Record<
		string,
		{ data?: string; mimeType?: string; fileName?: string; fileSize?: string; id?: string }
	>;
	pairedItem?: unknown;
	error?: unknown;
}

export interface ExecuteResult {
	exitCode: number | null;
	/** The signal that ended `n8n execute`, if one did (e.g. SIGSEGV); null when it exited. */
	signal: NodeJS.Signals | null;
	/** The parsed execution, when the command printed one. */
	run?: RawRun;
	/** Every line of output that is not part of the JSON (logs, warnings, the error on failure). */
	log: string;
	durationMs: number;
}

/**
 * `--rawOutput` prints the run as pretty JSON, but a few log lines ("Task Broker ready…", license
 * notices) may come before it. The JSON starts at a line that is exactly `{` and ends at the next
 * line that is exactly `}` (top level of JSON.stringify(…, null, 2)); everything else is log.
 */
export function parseRawOutput(stdout: string): { json?: unknown; rest: string } {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start === -1) return { rest: stdout };
	for (let end = start + 1; end < lines.length; end++) {
		if (lines[end] !== '}') continue;
		try {
			const json = JSON.parse(lines.slice(start, end + 1).join('\n')) as unknown;
			return { json, rest: [...lines.slice(0, start), ...lines.slice(end + 1)].join('\n') };
		} catch {
			/* a nested "}" line; keep looking */
		}
	}
	return { rest: stdout };
}

/**
 * `n8n execute --id=<id> --rawOutput`. Never throws for a failed workflow: the caller checks.
 * Each execute starts a task broker; give concurrent ones their own `brokerPort`.
 */
export async function executeWorkflow(
	instance: N8nInstance,
	workflowId: string,
	brokerPort?: number,
	env: NodeJS.ProcessEnv = {},
): Promise<ExecuteResult> {
	const started = Date.now();
	// the CLI prints the run through its logger at level "info", so that level must be on
	const result = await n8nCli(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		allowFailure: true,
		env: {
			N8N_LOG_LEVEL: 'info',
			...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
			...env,
		},
	});
	const { json, rest } = parseRawOutput(result.stdout);
	return {
		exitCode: result.code,
		signal: result.signal,
		run: json as RawRun | undefined,
		log: `${rest}\n${result.stderr}`.trim(),
		durationMs: Date.now() - started,
	};
}

/** The items a node put on its first output, in its last run. */
export function nodeItems(runData: RawRun, nodeName: string, output = 0): N8nItem[] | undefined {
	const runs = runData.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) return undefined;
	return runs[runs.length - 1].data?.main?.[output] ?? [];
}

export interface N8nServer extends Started {
	instance: N8nInstance;
	stop(): Promise<void>;
}

/** Whether n8n's REST controllers are mounted: `/rest/login` answers (not 404) to GET and to POST. */
async function restMounted(baseUrl: string): Promise<boolean> {
	try {
		// /healthz/readiness turns ok when the database is up, /rest/settings before every controller is mounted;
		// on a loaded machine GET /rest/login already answered 401 while POST /rest/owner/setup still got 404,
		// so a POST route must answer too (an empty login is refused with 400/401 once it is mounted)
		const get = await fetch(`${baseUrl}/rest/login`, { signal: AbortSignal.timeout(2000) });
		if (get.status !== 200 && get.status !== 401) return false;
		const post = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
			signal: AbortSignal.timeout(2000),
		});
		return post.status !== 404;
	} catch {
		return false; // not listening yet
	}
}

/**
 * `n8n start`, resolved once the REST API answers and its JS task runner (lib/task-runner.ts) has
 * been started with a grant token from n8n's broker; `stop()` stops both.
 */
export async function startServer(
	instance: N8nInstance,
	options: { timeoutMs?: number; echo?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<N8nServer> {
	const started = startProcess(NODE24_NODE, [N8N_BIN, 'start'], {
		cwd: instance.home,
		env: { ...instance.env, ...options.env },
		echo: options.echo,
	});
	let runner: TaskRunner | undefined;
	const server: N8nServer = {
		...started,
		instance,
		stop: async () => {
			await runner?.stop();
			await stopProcess(started.child, 15_000);
		},
	};
	const timeoutMs = options.timeoutMs ?? 120_000;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (started.child.exitCode !== null || started.child.signalCode !== null) {
			throw new Error(
				`n8n start ended early (${describeEnd(started.child.exitCode, started.child.signalCode)}):\n${started.output().slice(-4000)}`,
			);
		}
		if (await restMounted(instance.baseUrl)) break;
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(
				`n8n start did not become ready within ${timeoutMs} ms:\n${started.output().slice(-4000)}`,
			);
		}
		await new Promise((r) => setTimeout(r, 300));
	}
	// a queue-mode main that offloads manual executions runs nothing itself and starts no task broker (n8n's Start command)
	const env = { ...instance.env, ...options.env };
	if (env.EXECUTIONS_MODE === 'queue' && env.OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS === 'true')
		return server;
	try {
		runner = await startTaskRunner(instance, Math.max(10_000, deadline - Date.now()));
	} catch (error) {
		await server.stop();
		throw error;
	}
	return server;
}

/** A tiny REST client with n8n's auth cookie and browser-id header. */
export class RestClient {
	private cookie = '';

	private readonly browserId = 'appwrite-suite-e2e-browser';

	constructor(private readonly baseUrl: string) {}

	/** `path` is under /rest unless it starts with `//` (then it is taken from the root: `//types/nodes.json`). */
	async request<T = unknown>(
		method: string,
		path: string,
		body?: unknown,
	): Promise<{ status: number; data: T; raw: unknown }> {
		const response = await this.send(method, path, body);
		const text = await response.text();
		let raw: unknown = text;
		try {
			raw = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		const data = (
			raw && typeof raw === 'object' && 'data' in raw ? (raw as { data: T }).data : raw
		) as T;
		return { status: response.status, data, raw };
	}

	/** A GET whose answer is bytes (e.g. `/binary-data?id=…&action=download`). */
	async download(path: string): Promise<{ status: number; body: Buffer }> {
		const response = await this.send('GET', path);
		return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
	}

	private async send(method: string, path: string, body?: unknown): Promise<Response> {
		const url = path.startsWith('//')
			? `${this.baseUrl}${path.slice(1)}`
			: `${this.baseUrl}/rest${path}`;
		const response = await fetch(url, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
		return response;
	}

	/**
	 * Creates the instance owner (first run) or logs in as it (later runs). A queue-mode main under
	 * load once answered 404 to both right after its readiness probe passed (stop 18's test:scale),
	 * so a 404 is waited out for up to 60 s; any other answer is final.
	 */
	async ownerLogin(): Promise<void> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const setup = await this.request('POST', '/owner/setup', OWNER);
			if (setup.status === 200) return;
			const login = await this.request('POST', '/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
			if (login.status === 200) return;
			const notMounted = setup.status === 404 && login.status === 404;
			if (!notMounted || Date.now() > deadline) {
				throw new Error(
					`Could not set up or log in the n8n owner: setup ${setup.status} ${JSON.stringify(setup.raw)}, login ${login.status} ${JSON.stringify(login.raw)}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
}

/** The answer of `POST /rest/credentials/test`. */
export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * Runs a stored credential's test the way the editor's credential dialog does
 * (`POST /rest/credentials/test`, n8n 2.41.1 `CredentialsController.testCredentials`): n8n finds a
 * node that declares the credential with `testedBy` and runs that node's credential test function.
 */
export async function testCredential(
	client: RestClient,
	credential: CredentialFile,
): Promise<CredentialTestResult> {
	const response = await client.request<CredentialTestResult>('POST', '/credentials/test', {
		credentials: {
			id: credential.id,
			name: credential.name,
			type: credential.type,
			data: credential.data,
		},
	});
	if (response.status !== 200) {
		throw new Error(
			`POST /rest/credentials/test answered ${response.status}: ${JSON.stringify(response.raw)}`,
		);
	}
	return response.data;
}

export interface BlockedAttempt {
	pid: number;
	argv: string[];
	kind: 'dns' | 'connect';
	target: string;
	stack: string[];
}

/** The attempts the network guard blocked in this instance so far. */
export function blockedAttempts(instance: N8nInstance): BlockedAttempt[] {
	if (!existsSync(instance.netGuardLog)) return [];
	return readFileSync(instance.netGuardLog, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as BlockedAttempt);
}

export function describeExecute(result: ExecuteResult): string {
	return `${describeEnd(result.exitCode, result.signal)}, ${(result.durationMs / 1000).toFixed(1)} s`;
}

export { log };
