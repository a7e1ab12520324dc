/**
 * `npm run test:first-start`: the first `npm start` of a new user, from an empty
 * tests/e2e/node_modules, with everything it prints captured and checked:
 *
 * 1. the n8n install runs and completes (from nothing: download, sqlite3 build, check);
 * 2. a line of progress at least every 10 s until the editor URL is printed;
 * 3. no stack trace;
 * 4. no n8n deprecation notice (one exception, printed when seen: "Running n8n outside a container
 *    is deprecated", which n8n says of every npm install outside Docker, which this setup is);
 * 5. no task-runner error (a Python runner, a runner that fails to start);
 * 6. the banner names the editor URL, the stand-in's URL and how to reach the editor from another
 *    machine (ssh -L);
 * 7. Ctrl-C stops everything: the script says so, the editor port closes, no process is left.
 *
 * The repository (tracked and untracked, not ignored, files) is copied to a temporary folder, so
 * nothing here is touched; the root node_modules is linked, not reinstalled (`npm ci` is npm's own
 * business; the slow, silent part was the n8n install). Takes 5–15 minutes and ≈2.7 GB while it
 * runs, so it is not part of `npm run test:e2e` or CI; the last line is `first-start: N passed, M failed`.
 */
import { spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { freePort } from './lib/ports';
import { ROOT_DIR } from './lib/paths';
import { formatSeconds, log, run } from './lib/proc';
import { createTally, errorText } from './lib/tally';

const tally = createTally('first-start');
const MAX_SILENCE_MS = 10_000;
const START_TIMEOUT_MS = 40 * 60_000;

interface Line {
	at: number;
	text: string;
}

/** Copies what `git clone` would give (plus uncommitted work), without node_modules or build output. */
async function copyRepository(target: string): Promise<void> {
	const { stdout } = await run(
		'git',
		['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
		{ cwd: ROOT_DIR, quiet: true },
	);
	for (const file of stdout.split('\0').filter(Boolean)) {
		if (!existsSync(join(ROOT_DIR, file))) continue; // deleted, not yet committed
		if (file.split('/').includes('node_modules')) continue; // e.g. a tests/e2e/node_modules symlink to a shared install
		mkdirSync(dirname(join(target, file)), { recursive: true });
		cpSync(join(ROOT_DIR, file), join(target, file));
	}
	symlinkSync(join(ROOT_DIR, 'node_modules'), join(target, 'node_modules'));
	if (existsSync(join(target, 'tests', 'e2e', 'node_modules')))
		throw new Error('the copy has a tests/e2e/node_modules; it must start empty');
}

/** Runs `npm start` in `dir` until the banner's last line, then presses Ctrl-C; every line timestamped. */
function firstStart(
	dir: string,
	port: number,
): Promise<{ lines: Line[]; bannerAt?: number; exitCode: number | null; signal: string | null }> {
	return new Promise((resolveStart) => {
		const lines: Line[] = [];
		let bannerAt: number | undefined;
		const child = spawn('npm', ['start', '--', '--port', String(port)], {
			cwd: dir,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const partial = { stdout: '', stderr: '' };
		const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
			const text = partial[stream] + chunk.toString();
			const complete = text.split('\n');
			partial[stream] = complete.pop() ?? '';
			for (const line of complete) {
				lines.push({ at: Date.now(), text: line });
				process.stderr.write(`${line}\n`);
				if (bannerAt === undefined && line.startsWith('Press Ctrl-C to stop everything')) {
					bannerAt = Date.now();
					setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 2000); // as a terminal's Ctrl-C: the whole group
				}
			}
		};
		child.stdout.on('data', collect('stdout'));
		child.stderr.on('data', collect('stderr'));
		const timer = setTimeout(() => process.kill(-child.pid!, 'SIGINT'), START_TIMEOUT_MS);
		child.once('close', (exitCode, signal) => {
			clearTimeout(timer);
			try {
				process.kill(-child.pid!, 'SIGKILL'); // nothing may be left behind; the check below says if anything was
			} catch {
				/* the group is gone, as it should be */
			}
			resolveStart({ lines, bannerAt, exitCode, signal });
		});
	});
}

function check(name: string, problem: string | undefined, detail = ''): void {
	if (problem) tally.fail(name, problem);
	else tally.pass(name, detail);
}

/** Processes still running from the copy (their working folder or command line is in it). */
function processesIn(dir: string): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		try {
			const cwd = readlinkSync(`/proc/${pid}/cwd`);
			const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
			if (cwd.startsWith(dir) || cmd.includes(dir)) found.push(`${pid} ${cmd.slice(0, 80)}`);
		} catch {
			/* gone meanwhile, or not ours to read */
		}
	}
	return found;
}

async function portClosed(port: number): Promise<boolean> {
	try {
		await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
		return false;
	} catch {
		return true;
	}
}

async function main(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'appwrite-suite-first-start-'));
	const started = Date.now();
	try {
		log(`Copying the repository to ${dir} (tests/e2e/node_modules left empty)…`);
		await copyRepository(dir);
		const port = await freePort();
		const { lines, bannerAt, exitCode, signal } = await firstStart(dir, port);
		const untilBanner = lines.filter((line) => bannerAt === undefined || line.at <= bannerAt);
		const all = lines.map((line) => line.text);

		check(
			'the n8n install ran from an empty tests/e2e/node_modules and completed',
			all.some((line) => /^n8n [\d.]+ installed in /.test(line)) &&
				existsSync(join(dir, 'tests/e2e/node_modules/.appwrite-suite-e2e-installed.json'))
				? undefined
				: 'no "n8n … installed in …" line, or no install marker',
			all.find((line) => /^n8n [\d.]+ installed in /.test(line)),
		);

		let longest = { ms: 0, after: '' };
		let previous = started;
		for (const line of untilBanner) {
			if (line.at - previous > longest.ms) longest = { ms: line.at - previous, after: line.text };
			previous = line.at;
		}
		check(
			`a progress line at least every ${MAX_SILENCE_MS / 1000} s until the banner`,
			bannerAt === undefined
				? `no banner within ${formatSeconds(START_TIMEOUT_MS)}`
				: longest.ms > MAX_SILENCE_MS
					? `${formatSeconds(longest.ms)} of silence after: ${longest.after}`
					: undefined,
			`${untilBanner.length} lines, longest silence ${(longest.ms / 1000).toFixed(1)} s, banner after ${formatSeconds((bannerAt ?? Date.now()) - started)}`,
		);

		const traces = all.filter((line) =>
			/^\s+at \S.*(:\d+:\d+\)?|\(native\)|<anonymous>)$/.test(line),
		);
		check(
			'no stack traces',
			traces.length > 0 ? `${traces.length} stack frame line(s), first: ${traces[0]}` : undefined,
		);

		const container = /Running n8n outside a container is deprecated/;
		const deprecations = all.filter(
			(line) =>
				/deprecat/i.test(line) &&
				!container.test(line) &&
				!/^There (is a deprecation|are deprecations) related to your n8n setup/.test(line),
		);
		const header = all.some((line) => /deprecations? related to your n8n setup/.test(line));
		check(
			'no n8n deprecation notices',
			deprecations.length > 0 || (header && !all.some((line) => container.test(line)))
				? `deprecation notice(s): ${deprecations.join(' | ') || '(header only)'}`
				: undefined,
			all.some((line) => container.test(line))
				? 'only n8n\'s "outside a container" notice, unavoidable for an npm install'
				: 'none at all',
		);

		const runnerErrors = all.filter((line) =>
			/python|task runner.*(fail|error|unavailable)|runner.*(failed|error)|TASK RUNNER/i.test(line),
		);
		check(
			'no task-runner errors',
			runnerErrors.length > 0 ? runnerErrors.slice(0, 3).join(' | ') : undefined,
		);

		const banner = all.slice(all.findIndex((line) => line.includes(' is running.')));
		const missing = [
			[/n8n editor: +http:\/\/127\.0\.0\.1:\d+/, 'the editor URL'],
			[/Appwrite stand-in: +http:\/\/127\.0\.0\.1:\d+\/v1/, "the stand-in's URL"],
			[/ssh -L \d+:127\.0\.0\.1:\d+/, 'the ssh -L port forward'],
		]
			.filter(([pattern]) => !banner.some((line) => (pattern as RegExp).test(line)))
			.map(([, what]) => what);
		check(
			'the banner names the editor, the stand-in and how to reach the editor from elsewhere',
			bannerAt && missing.length === 0
				? undefined
				: `missing: ${missing.join(', ') || 'the whole banner'}`,
		);

		// npm itself ends by the terminal's SIGINT (it re-raises it after its script), the script exits 0
		const stopped = all.some((line) => line.includes('SIGINT received, stopping everything'));
		const left = processesIn(dir);
		check(
			'Ctrl-C stops everything it started',
			stopped &&
				(exitCode === 0 || signal === 'SIGINT') &&
				(await portClosed(port)) &&
				left.length === 0
				? undefined
				: `npm start ended with ${signal ?? `exit ${exitCode}`}; editor port ${port} ${(await portClosed(port)) ? 'closed' : 'still open'}; left running: ${left.join(', ') || 'nothing'}`,
			`npm start ended with ${signal ?? `exit ${exitCode}`}, nothing left running`,
		);
		log(`first start took ${formatSeconds(Date.now() - started)}`);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main()
	.catch((error: unknown) => tally.fail('first-start setup', errorText(error)))
	.finally(() => process.exit(tally.finish()));
