import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

import { ROOT } from './catalog';

const WORKER = path.join(__dirname, 'format-worker.cjs');

/** n8n's prettier settings, the same file `npm run format` uses. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OPTIONS = require(path.join(ROOT, '.prettierrc.js')) as Record<string, unknown>;

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
	return groups.map((group) => group.files).filter((group) => group.length > 0);
}

/**
 * Formats TypeScript and JSON files with prettier and n8n's settings, keyed by path. Prettier only
 * formats asynchronously, so worker threads format the files (in parallel, one share each) while
 * this thread waits: generation stays one synchronous, deterministic function.
 */
export function formatFiles(files: Array<[string, string]>): Map<string, string> {
	const groups = shares(files, Math.max(1, Math.min(2, availableParallelism())));
	const flags = new Int32Array(new SharedArrayBuffer(4 * groups.length));
	const ports = groups.map((group, index) => {
		const { port1, port2 } = new MessageChannel();
		new Worker(WORKER, {
			workerData: { files: group, options: OPTIONS, signal: flags.buffer, index, port: port2 },
			transferList: [port2],
		}).unref();
		return port1;
	});
	const formatted = new Map<string, string>();
	ports.forEach((port, index) => {
		Atomics.wait(flags, index, 0);
		const answer = receiveMessageOnPort(port)?.message as
			| { formatted?: Array<[string, string]>; error?: string }
			| undefined;
		port.close();
		if (!answer?.formatted)
			throw new Error(
				`prettier could not format the generated code: ${answer?.error ?? 'no answer'}`,
			);
		for (const [file, text] of answer.formatted) formatted.set(file, text);
	});
	return formatted;
}
