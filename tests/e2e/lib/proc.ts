/**
 * Child processes for the e2e scripts. Every process is started in its own process group
 * (`detached`), remembered, and stopped by its process-group id: on success, on failure, on
 * Ctrl-C, and on an uncaught error. Nothing is ever stopped by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export function log(message: string): void {
	process.stderr.write(`${message}\n`);
}

export function formatSeconds(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/**
 * Logs `<phase>… <time so far>[: <detail()>]` every 5 s until `step` settles, so a long step
 * (the n8n install, a build, n8n's first start) never leaves the terminal silent.
 */
export async function withProgress<T>(
	phase: string,
	step: Promise<T>,
	detail?: () => string,
): Promise<T> {
	const started = Date.now();
	const timer = setInterval(
		() => log(`${phase}… ${formatSeconds(Date.now() - started)}${detail ? `: ${detail()}` : ''}`),
		5000,
	);
	try {
		return await step;
	} finally {
		clearInterval(timer);
	}
}

const live = new Set<ChildProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal); // the whole group: n8n starts its task runner as a child
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

function exited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

/** Stops one process group: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 8000): Promise<void> {
	if (exited(child)) {
		signalGroup(child, 'SIGKILL'); // leftovers of the group, if any
		live.delete(child);
		return;
	}
	const done = new Promise<void>((resolveDone) => child.once('exit', () => resolveDone()));
	signalGroup(child, 'SIGTERM');
	const timer = new Promise<'timeout'>((resolveTimer) =>
		setTimeout(() => resolveTimer('timeout'), graceMs).unref(),
	);
	if ((await Promise.race([done, timer])) === 'timeout') {
		signalGroup(child, 'SIGKILL');
		await Promise.race([done, new Promise((r) => setTimeout(r, 2000).unref())]);
	}
	signalGroup(child, 'SIGKILL');
	live.delete(child);
}

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Registers something to undo at shutdown (e.g. stopping the stand-in); run in reverse order. */
export function onCleanup(fn: Cleanup): void {
	cleanups.push(fn);
}

let cleaningUp: Promise<void> | undefined;

/** True once cleanupAll() has begun (processes stopping now are being stopped on purpose). */
export function isShuttingDown(): boolean {
	return cleaningUp !== undefined;
}

/** Stops every process started through this module and runs the registered cleanups. */
export function cleanupAll(): Promise<void> {
	cleaningUp ??= (async () => {
		for (const fn of cleanups.reverse()) {
			try {
				await fn();
			} catch (error) {
				log(`cleanup failed: ${(error as Error).message}`);
			}
		}
		await Promise.all([...live].map((child) => stopProcess(child)));
	})();
	return cleaningUp;
}

let handlersInstalled = false;

/**
 * Makes Ctrl-C, SIGTERM and crashes stop everything before the script exits. The exit code after
 * a signal is 130/143 unless `signalExitCode` is given (`npm start` exits 0 on Ctrl-C).
 */
export function installExitHandlers(options: { signalExitCode?: number } = {}): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	const onSignal = (signal: NodeJS.Signals) => {
		if (isShuttingDown()) return;
		log(`\n${signal} received, stopping everything…`);
		void cleanupAll().finally(() =>
			process.exit(options.signalExitCode ?? (signal === 'SIGINT' ? 130 : 143)),
		);
	};
	// `on`, not `once`: a terminal's Ctrl-C reaches npm, tsx and this script, and tsx passes it on
	// again; a second signal with no listener left would end the script in the middle of cleaning up
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	const onCrash = (error: unknown) => {
		log(
			`\nUnexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
		);
		void cleanupAll().finally(() => process.exit(1));
	};
	process.once('uncaughtException', onCrash);
	process.once('unhandledRejection', onCrash);
	process.on('exit', () => {
		// Last resort, synchronous: nothing we started may outlive us.
		for (const child of live) signalGroup(child, 'SIGKILL');
	});
}

export interface SpawnOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Print the output live (to stderr) instead of only collecting it. */
	echo?: boolean;
}

export interface Started {
	child: ChildProcess;
	/** All output so far (stdout and stderr interleaved). */
	output(): string;
}

/** Spawns in a new process group (so the whole group can be stopped) and tracks it until it exits. */
function spawnInGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	live.add(child);
	child.once('exit', () => live.delete(child));
	return child;
}

/** Starts a long-running process (server) in its own process group. */
export function startProcess(command: string, args: string[], options: SpawnOptions = {}): Started {
	const child = spawnInGroup(command, args, options);
	let output = '';
	const collect = (chunk: Buffer) => {
		const text = chunk.toString();
		output += text;
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
		if (options.echo) process.stderr.write(text);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	return { child, output: () => output };
}

export interface RunOptions extends SpawnOptions {
	/** Collect the output without printing it; it is printed if the command fails. */
	quiet?: boolean;
	/** Resolve even when the exit code is not 0. */
	allowFailure?: boolean;
	timeoutMs?: number;
}

export interface RunResult {
	code: number | null;
	/** The signal that ended the process (e.g. SIGSEGV), when it did not exit by itself. */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** How a process ended, for people: `exit 1`, or the signal by name (`SIGSEGV`) rather than "exit null". */
export function describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
	return signal ? `killed by ${signal}` : `exit ${code}`;
}

/** Runs a command to completion in its own process group. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolveRun, rejectRun) => {
		const child = spawnInGroup(command, args, options);
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (!options.quiet) process.stderr.write(chunk);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
			if (!options.quiet) process.stderr.write(chunk);
		});
		let timedOut = false;
		const timer =
			options.timeoutMs === undefined
				? undefined
				: setTimeout(() => {
						timedOut = true;
						void stopProcess(child, 2000);
					}, options.timeoutMs);
		child.once('error', (error) => {
			live.delete(child);
			if (timer) clearTimeout(timer);
			rejectRun(error);
		});
		child.once('close', (code, signal) => {
			live.delete(child);
			if (timer) clearTimeout(timer);
			signalGroup(child, 'SIGKILL'); // grandchildren left behind, if any
			const result = { code, signal, stdout, stderr };
			if (timedOut) {
				rejectRun(
					new RunError(
						`${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms`,
						result,
					),
				);
			} else if (code !== 0 && !options.allowFailure) {
				if (options.quiet) process.stderr.write(`${stdout}${stderr}`.slice(-8000));
				rejectRun(
					new RunError(`${command} ${args.join(' ')} ended: ${describeEnd(code, signal)}`, result),
				);
			} else {
				resolveRun(result);
			}
		});
	});
}

export class RunError extends Error {
	constructor(
		message: string,
		readonly result: RunResult,
	) {
		super(message);
	}
}
