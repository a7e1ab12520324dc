/**
 * A local, spec-driven Appwrite stand-in for tests: Prism (`@stoplight/prism-cli`, pinned in
 * devDependencies) mocking the rewritten Appwrite 1.8.x server spec (see ./standin-spec.ts),
 * behind a small memory (./standin-memory.ts) that words rejections like Appwrite
 * (`Invalid \`email\` param: …`) and answers with the users, files and rows created through it.
 *
 *   const standIn = await startStandIn();
 *   new Client().setEndpoint(standIn.endpoint).setProject('test-project').setKey('test-key');
 *   ...
 *   await standIn.stop();
 *
 * What Prism does with a request:
 * - Request violations (bad body types, `format: email`, missing required fields, unknown enum
 *   values, missing project/key headers, wrong content type) ALWAYS answer 4xx, with or without
 *   `--errors`: the spec's 400 (or 401 for security), which the rewrite makes Appwrite-shaped, so
 *   node-appwrite throws `AppwriteException { code: 400, type: 'general_argument_invalid' }`.
 * - `--errors` only adds: a 2xx body that violates the spec's own response schema becomes a 500
 *   problem+json ("...the --errors flag is set..."). We keep it ON: the rewrite repairs the spec's
 *   broken examples, so every body the SDK receives is valid against the spec, and a gap in the
 *   stand-in fails loudly instead of feeding a test malformed data.
 * - A path the spec does not have (e.g. SDK methods newer than 1.8.x) answers 404 problem+json,
 *   which the SDK turns into AppwriteException 404 with an empty `type`.
 * - `Prefer: code=404` (via `client.addHeader('Prefer', 'code=404')`) picks a declared error response.
 *
 * Many test files can share ONE Prism process through vitest's globalSetup: this module also
 * exports `setup`/`teardown`. Put `globalSetup: ['tests/support/standin.ts']` in vitest.config.ts,
 * then read the endpoint in tests with `inject('appwriteStandIn').endpoint` (declared below) or
 * `process.env.APPWRITE_STANDIN_ENDPOINT`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMemoryServer, type MemoryServer } from './standin-memory';
import { BASE_PATH, writeStandInSpec } from './standin-spec';

export interface StandInOptions {
	/** Port to bind on 127.0.0.1; default: a free port picked by the OS. */
	port?: number;
	/** Give up waiting for the port after this long (default 60 s; Prism needs 3-4 s here). */
	startTimeoutMs?: number;
	/** Prism log level (default `warn`: one line per rejected request, plus errors). */
	logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
	/** Turn response-schema violations into 500s (default true; see the header comment). */
	errors?: boolean;
	/** Source spec to rewrite; default: the vendored Appwrite 1.8.x server spec. */
	specSource?: string;
	/** Echo Prism's output to this process's stderr as it arrives (default false). */
	echo?: boolean;
	/**
	 * Remember created users, uploaded files and TablesDB rows and answer with them (default true;
	 * see ./standin-memory.ts). Off, every success is the spec's example, as for the contract tests
	 * that share one stand-in and reuse sample IDs. Rejections are explained either way.
	 */
	remember?: boolean;
}

export interface StandIn {
	/** `http://127.0.0.1:PORT/v1`, the value for `Client.setEndpoint`. */
	endpoint: string;
	port: number;
	/** The process-group leader: a tiny watchdog that owns Prism (see WATCHDOG). */
	pid: number;
	/** The rewritten spec Prism is serving. */
	specFile: string;
	/** The tail of Prism's stdout+stderr (its rejected-request reports land here). */
	output(): string;
	/** Stops Prism (its whole process group) and removes the temp dir. Safe to call twice. */
	stop(): Promise<void>;
}

/** What globalSetup hands to the test files through `provide`/`inject`. */
export interface ProvidedStandIn {
	endpoint: string;
	port: number;
}

declare module 'vitest' {
	export interface ProvidedContext {
		appwriteStandIn: ProvidedStandIn;
	}
}

export const STANDIN_ENDPOINT_ENV = 'APPWRITE_STANDIN_ENDPOINT';

const PRISM_CLI = resolve(__dirname, '../../node_modules/@stoplight/prism-cli/dist/index.js');

/**
 * Runs as the process-group leader and starts Prism (same group, same stdout/stderr). Its stdin
 * is a pipe from the test process: when that closes, because the test process exited or was
 * killed (even with SIGKILL, when no exit hook can run), it removes the temp dir and takes the whole
 * group down. So no Prism outlives the tests, however they end.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const prism = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
const cleanUp = () => { try { require('node:fs').rmSync(process.env.STANDIN_TMP_DIR, { recursive: true, force: true }); } catch {} };
const down = () => {
  cleanUp();
  try { process.kill(-process.pid, 'SIGTERM'); } catch {}
  setTimeout(() => { try { process.kill(-process.pid, 'SIGKILL'); } catch {} }, 3000).unref();
};
process.stdin.on('end', down);
process.stdin.on('error', down);
process.stdin.resume();
process.on('SIGTERM', () => { try { prism.kill('SIGTERM'); } catch {} });
prism.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
`;
const OUTPUT_LIMIT = 64 * 1024;
/** Running stand-ins and their temp dirs, for the exit hook. */
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
	const dir = mkdtempSync(join(tmpdir(), 'appwrite-standin-'));
	try {
		const { file: specFile, spec } = writeStandInSpec(dir, options.specSource);
		// A port picked by the OS can be taken again before Prism binds it; retry on EADDRINUSE.
		for (let attempt = 1; ; attempt++) {
			const prismPort = await freePort();
			try {
				return await launch(spec, specFile, dir, prismPort, options);
			} catch (error) {
				const retry = attempt < 3 && /EADDRINUSE/.test(String((error as Error).message));
				if (!retry) throw error;
			}
		}
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
}

/** Prism on `prismPort`, and in front of it the memory (./standin-memory.ts) on `options.port`. */
async function launch(
	spec: unknown,
	specFile: string,
	dir: string,
	prismPort: number,
	options: StandInOptions,
): Promise<StandIn> {
	const args = [
		PRISM_CLI,
		'mock',
		specFile,
		'-h',
		'127.0.0.1',
		'-p',
		String(prismPort),
		'-v',
		options.logLevel ?? 'warn',
	];
	if (options.errors ?? true) args.push('--errors');
	const child = spawn(process.execPath, ['-e', WATCHDOG, '--', ...args], {
		// Own process group (watchdog + Prism), so stop() signals both by group id.
		detached: true,
		// stdin is the watchdog's lifeline to this process; stdout/stderr carry Prism's log.
		stdio: ['pipe', 'pipe', 'pipe'],
		env: {
			...process.env,
			SCARF_ANALYTICS: 'false',
			NODE_ENV: 'test',
			FORCE_COLOR: '0',
			NO_COLOR: '1',
			STANDIN_TMP_DIR: dir,
		},
	});
	live.set(child, dir);
	installExitHook();
	// Do not keep this process alive just for Prism: if a test forgets stop(), the process still
	// exits, the lifeline closes, and the watchdog cleans up.
	child.unref();
	for (const stream of [child.stdin, child.stdout, child.stderr])
		(stream as unknown as { unref?: () => void } | null)?.unref?.();

	let output = '';
	const collect = (chunk: Buffer) => {
		output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
		if (options.echo) process.stderr.write(chunk);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const exited = new Promise<void>((done) => child.once('exit', () => done()));

	let memory: MemoryServer | undefined;
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			await memory?.stop();
			await stopGroup(child, exited);
			live.delete(child);
			rmSync(dir, { recursive: true, force: true });
		})());

	try {
		await waitForPrism(prismPort, child, options.startTimeoutMs ?? 60_000, () => output);
		memory = await startMemoryServer(spec, prismPort, {
			port: options.port,
			remember: options.remember,
		});
	} catch (error) {
		await stopGroup(child, exited);
		live.delete(child);
		throw error;
	}
	const port = memory.port;
	return {
		endpoint: `http://127.0.0.1:${port}${BASE_PATH}`,
		port,
		pid: child.pid!,
		specFile,
		output: () => output,
		stop,
	};
}

/**
 * Polls until Prism answers on the port; fails early if Prism exits, with its output tail. The
 * probe checks that the answer is Prism's own "no path matched" error, not some other server
 * that happens to hold the port.
 */
async function waitForPrism(
	port: number,
	child: ChildProcess,
	timeoutMs: number,
	output: () => string,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	const tail = () => output().split('\n').slice(-25).join('\n');
	const gone = () => child.exitCode !== null || child.signalCode !== null;
	while (Date.now() < deadline) {
		if (gone())
			throw new Error(
				`Prism exited (${child.exitCode ?? child.signalCode}) before listening on port ${port}:\n${tail()}`,
			);
		if (await isPrism(port)) {
			if (gone()) break; // someone else answered and Prism died (e.g. EADDRINUSE)
			return;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	if (gone())
		throw new Error(
			`Prism exited (${child.exitCode ?? child.signalCode}) before listening on port ${port}:\n${tail()}`,
		);
	throw new Error(`Prism did not answer on 127.0.0.1:${port} within ${timeoutMs} ms:\n${tail()}`);
}

async function isPrism(port: number): Promise<boolean> {
	try {
		const response = await fetch(`http://127.0.0.1:${port}/__appwrite_standin_probe__`, {
			signal: AbortSignal.timeout(2000),
		});
		return (await response.text()).includes('NO_PATH_MATCHED_ERROR');
	} catch {
		return false;
	}
}

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.unref();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? done(port) : fail(new Error('no free port'))));
		});
	});
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		/* the group is already gone */
	}
}

/** SIGTERM to the group, SIGKILL after 5 s, then a final SIGKILL for any straggler in the group. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) {
		signalGroup(child, 'SIGTERM');
		if (!(await within(exited, 5000))) {
			signalGroup(child, 'SIGKILL');
			await within(exited, 2000);
		}
	}
	signalGroup(child, 'SIGKILL');
}

/** Waits for `promise` up to `ms`; true if it settled in time. The timer keeps the process alive meanwhile. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), ms)));
	try {
		return await Promise.race([promise.then(() => true), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Last resort if this process exits without stop() (a forgotten stop, process.exit, a runner that
 * exits on a signal): kill the groups and remove the temp dirs now, synchronously. Deaths that skip
 * 'exit' handlers (SIGKILL, default signal handling) are covered by the watchdog instead.
 */
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const [child, dir] of live) {
			signalGroup(child, 'SIGKILL');
			rmSync(dir, { recursive: true, force: true });
		}
	});
}

// ---- vitest globalSetup: one Prism for the whole run ----------------------------------------

let shared: StandIn | undefined;

/** vitest globalSetup hook. `project` is vitest's TestProject (only `provide` is used). */
export async function setup(project?: {
	provide(key: 'appwriteStandIn', value: ProvidedStandIn): void;
}): Promise<void> {
	shared = await startStandIn({ remember: false }); // many tests, the same sample IDs: the spec's answers
	process.env[STANDIN_ENDPOINT_ENV] = shared.endpoint;
	project?.provide('appwriteStandIn', { endpoint: shared.endpoint, port: shared.port });
}

export async function teardown(): Promise<void> {
	await shared?.stop();
	shared = undefined;
	delete process.env[STANDIN_ENDPOINT_ENV];
}
