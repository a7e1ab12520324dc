import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

import { ROOT } from './catalog';

const WORKER = path.join(__dirname, 'format-worker.cjs');

/** n8n's prettier settings, the same file `npm run format` uses. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OPTIONS = require(path.join(ROOT, '.prettierrc.js')) as Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PRETTIER_VERSION = (require('prettier/package.json') as { version: string }).version;

/**
 * Each file's last formatting, with a hash of what was formatted and of prettier's version and
 * settings: a file the catalog did not change is not formatted again (like prettier's own --cache).
 */
const CACHE_FILE = path.join(ROOT, 'node_modules', '.cache', 'appwrite-codegen', 'prettier.json');

type Cache = Record<string, { hash: string; text: string }>;

function hashOf(file: string, source: string): string {
	return createHash('sha256')
		.update(JSON.stringify([PRETTIER_VERSION, OPTIONS, path.extname(file), source]))
		.digest('hex');
}

function readCache(): Cache {
	try {
		return existsSync(CACHE_FILE) ? (JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Cache) : {};
	} catch {
		return {};
	}
}

/** Keeps the entries of files that still exist (tests generate into folders they delete), atomically. */
function writeCache(cache: Cache): void {
	const kept = Object.entries(cache).filter(([file]) =>
		existsSync(path.join(ROOT, path.dirname(file))),
	);
	mkdirSync(path.dirname(CACHE_FILE), { recursive: true });
	const staging = `${CACHE_FILE}.${process.pid}.${Date.now()}`;
	writeFileSync(staging, JSON.stringify(Object.fromEntries(kept)));
	renameSync(staging, CACHE_FILE);
}

/** Splits the files into groups of about equal size, one per worker. */
function shares(files: Array<[string, string]>, count: number): Array<Array<[string, string]>> {
	const groups = Array.from({ length: count }, () => ({
		size: 0,
		files: [] as Array<[string, string]>,
	}));
	for (const file of [...files].sort((a, b) => b[1].length - a[1].length)) {
		const smallest = groups.reduce((best, group) => (group.size < best.size ? group : best));
		smallest.files.push(file);
		smallest.size += file[1].length;
	}
	return groups.map((group) => group.files);
}

/** Above this much code to format, two workers share it. */
const PARALLEL_FROM = 200_000;

/**
 * Formats TypeScript and JSON files with prettier and n8n's settings. Prettier only formats
 * asynchronously, so worker threads format (in parallel, a share each) while this thread waits:
 * generation stays one synchronous, deterministic function. Without a cache to reuse, the workers
 * start at once, so that prettier loads while the catalog is resolved.
 */
export class Formatter {
	private readonly cache = readCache();
	private workers: Array<{ worker: Worker; port: MessagePort }> = [];
	private flags = new Int32Array(new SharedArrayBuffer(0));

	constructor() {
		if (Object.keys(this.cache).length === 0) this.start(Math.min(2, availableParallelism()));
	}

	/** Formats the files, keyed by path; a formatter formats once. */
	format(files: Array<[string, string]>): Map<string, string> {
		const hashes = new Map(files.map(([file, source]) => [file, hashOf(file, source)]));
		const formatted = new Map<string, string>();
		const missing: Array<[string, string]> = [];
		for (const [file, source] of files) {
			const cached = this.cache[file];
			if (cached?.hash === hashes.get(file)) formatted.set(file, cached.text);
			else missing.push([file, source]);
		}
		if (missing.length === 0) return formatted;
		const size = missing.reduce((total, [, source]) => total + source.length, 0);
		if (this.workers.length === 0)
			this.start(size > PARALLEL_FROM ? Math.min(2, availableParallelism()) : 1);
		shares(missing, this.workers.length).forEach((group, index) =>
			this.workers[index].port.postMessage(group),
		);
		this.workers.forEach(({ port }, index) => {
			Atomics.wait(this.flags, index, 0);
			const answer = receiveMessageOnPort(port)?.message as
				| { formatted?: Array<[string, string]>; error?: string }
				| undefined;
			if (!answer?.formatted) {
				throw new Error(
					`prettier could not format the generated code: ${answer?.error ?? 'no answer'}`,
				);
			}
			for (const [file, text] of answer.formatted) formatted.set(file, text);
		});
		for (const [file] of missing) {
			this.cache[file] = { hash: hashes.get(file) as string, text: formatted.get(file) as string };
		}
		writeCache(this.cache);
		return formatted;
	}

	/** Stops the workers (they stop by themselves once they have formatted). */
	close(): void {
		for (const { worker, port } of this.workers) {
			port.close();
			void worker.terminate();
		}
	}

	private start(count: number): void {
		this.flags = new Int32Array(new SharedArrayBuffer(4 * count));
		this.workers = Array.from({ length: count }, (_, index) => {
			const { port1, port2 } = new MessageChannel();
			const worker = new Worker(WORKER, {
				workerData: { options: OPTIONS, signal: this.flags.buffer, index, port: port2 },
				transferList: [port2],
			});
			worker.unref();
			return { worker, port: port1 };
		});
	}
}
