import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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

/** The manifest's name in the folder of generated nodes. */
export const FORMAT_MANIFEST = 'format-manifest.json';

/** What each generated file was formatted from, and what came out, as short hashes. */
type Manifest = Record<string, { source: string; output: string }>;

function hash(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Changes with the text to format and with prettier's version and settings. */
function sourceHash(file: string, source: string): string {
	return hash(JSON.stringify([PRETTIER_VERSION, OPTIONS, path.extname(file), source]));
}

function readText(file: string): string | undefined {
	return existsSync(path.join(ROOT, file))
		? readFileSync(path.join(ROOT, file), 'utf8')
		: undefined;
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

/** How long formatting may take, in milliseconds, before generation gives up. */
const ANSWER_WITHIN = 300_000;

/** Above this much code to format, two workers share it. */
const PARALLEL_FROM = 200_000;

/**
 * Formats TypeScript and JSON files with prettier and n8n's settings. Prettier only formats
 * asynchronously, so worker threads format (in parallel, a share each) while this thread waits:
 * generation stays one synchronous, deterministic function.
 *
 * A manifest written beside the files records, per file, hashes of what was formatted (with
 * prettier's version and settings) and of the result. A file whose source is unchanged and whose
 * committed text is still that result is taken as it is, so only what the catalog changed is
 * formatted again, also in a fresh clone; a hand edit changes the text and is formatted over.
 * Without a manifest the workers start at once, so that prettier loads while the catalog is
 * resolved.
 */
export class Formatter {
	private readonly manifest: Manifest;
	private workers: Array<{ worker: Worker; port: MessagePort }> = [];
	private flags = new Int32Array(new SharedArrayBuffer(0));

	/** `manifestFile` is relative to the repository root. */
	constructor(readonly manifestFile: string) {
		const text = readText(manifestFile);
		this.manifest = text ? (JSON.parse(text) as Manifest) : {};
		if (!text) this.start(Math.min(2, availableParallelism()));
	}

	/** Formats the files, keyed by path, and adds the manifest; a formatter formats once. */
	format(files: Array<[string, string]>): Map<string, string> {
		const sources = new Map(files.map(([file, source]) => [file, sourceHash(file, source)]));
		const formatted = new Map<string, string>();
		const missing: Array<[string, string]> = [];
		for (const [file, source] of files) {
			const entry = this.manifest[file];
			const committed = entry?.source === sources.get(file) ? readText(file) : undefined;
			if (committed !== undefined && hash(committed) === entry.output)
				formatted.set(file, committed);
			else missing.push([file, source]);
		}
		if (missing.length > 0) {
			const size = missing.reduce((total, [, source]) => total + source.length, 0);
			if (this.workers.length === 0)
				this.start(size > PARALLEL_FROM ? Math.min(2, availableParallelism()) : 1);
			shares(missing, this.workers.length).forEach((group, index) =>
				this.workers[index].port.postMessage(group),
			);
			this.workers.forEach(({ port }, index) => {
				if (Atomics.wait(this.flags, index, 0, ANSWER_WITHIN) === 'timed-out') {
					throw new Error(`prettier did not answer within ${ANSWER_WITHIN / 1000} s`);
				}
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
		}
		const manifest = Object.fromEntries(
			files.map(([file]) => [
				file,
				{ source: sources.get(file), output: hash(formatted.get(file) as string) },
			]),
		);
		formatted.set(this.manifestFile, `${JSON.stringify(manifest, null, '\t')}\n`);
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
