/**
 * Large files and long lists through n8n's engine, each beside a physical reference measured in
 * the same run, with n8n's binary-data service started as n8n starts it: filesystem mode (n8n's
 * default outside queue mode), and memory mode as a second row.
 *
 * - download: Storage → File → Download of one file; reference: the raw body streamed into a file.
 * - upload: Storage → File → Upload of that file; reference: node-appwrite's own upload from the
 *   file's path (InputFile.fromPath, 5 MiB slices, 8 chunks in flight).
 * - Return All: Users → Get Many of 10,000 users; reference: a raw node-appwrite loop with the
 *   same page size (5,000).
 *
 * Each measurement runs in a fresh child process against a server in this one, so its memory is
 * its own: extra memory is the child's peak resident memory above where it stood just before (after
 * a warm-up run), shown as a multiple of the file size. Rounds alternate node and reference;
 * medians are printed. File size: 16 MiB by default, `BENCH_MIB=256` or `--mib=256` for more.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';

import { Client, ID, Query, Storage, Users } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';

import { runNode, startBinaryData, storedBinaryItem } from '../support/engine';

const MIB = 1024 * 1024;
const USERS = 10_000;
const PAGE = 5_000;
const ROUNDS = 3;
const SMALL_BYTES = 64 * 1024;

interface Measured {
	ms: number;
	extraBytes: number;
}

/** Samples this process's resident memory until stopped; returns the peak above the start. */
function memorySampler(): () => number {
	(global as { gc?: () => void }).gc?.();
	const base = process.memoryUsage().rss;
	let peak = base;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
	return () => {
		clearInterval(timer);
		return Math.max(peak, process.memoryUsage().rss) - base;
	};
}

/** The server counts requests from here on: the measured run's, not the warm-up's. */
let resetServerCounters: () => Promise<void> = async () => undefined;

async function measure(run: () => Promise<void>): Promise<Measured> {
	await resetServerCounters();
	const stop = memorySampler();
	const start = performance.now();
	await run();
	const ms = performance.now() - start;
	return { ms, extraBytes: stop() };
}

// ---------------------------------------------------------------- the child: one measurement

type CaseName =
	| 'download-ref'
	| 'download-filesystem'
	| 'download-memory'
	| 'upload-ref'
	| 'upload-filesystem'
	| 'upload-memory'
	| 'list-ref'
	| 'list-node';

async function runCase(
	name: CaseName,
	endpoint: string,
	sourceFile: string,
	size: number,
): Promise<Measured> {
	const work = mkdtempSync(path.join(tmpdir(), 'appwrite-bench-'));
	resetServerCounters = () =>
		new Promise((resolve, reject) => {
			http
				.get(`${endpoint}/bench/reset`, { agent: false }, (response) =>
					response.resume().on('end', resolve),
				)
				.on('error', reject);
		});
	try {
		if (name === 'download-ref') {
			const get = (fileId: string, target: string) =>
				new Promise<void>((resolve, reject) => {
					http
						.get(
							`${endpoint}/storage/buckets/b/files/${fileId}/download`,
							{ headers: { 'x-appwrite-project': 'bench' } },
							(response) => {
								pipeline(response, createWriteStream(target)).then(resolve, reject);
							},
						)
						.on('error', reject);
				});
			await get('small', path.join(work, 'small'));
			const measured = await measure(() => get('big', path.join(work, 'big')));
			if (statSync(path.join(work, 'big')).size !== size)
				throw new Error('reference download incomplete');
			return measured;
		}
		if (name === 'upload-ref' || name === 'list-ref') {
			const client = new Client().setEndpoint(endpoint).setProject('bench').setKey('bench-key');
			if (name === 'upload-ref') {
				const storage = new Storage(client);
				const small = path.join(work, 'small.bin');
				await writeFile(small, randomBytes(SMALL_BYTES));
				await storage.createFile({
					bucketId: 'b',
					fileId: ID.unique(),
					file: InputFile.fromPath(small, 'small.bin'),
				});
				let answer: { chunksUploaded?: number } = {};
				const measured = await measure(async () => {
					answer = await storage.createFile({
						bucketId: 'b',
						fileId: ID.unique(),
						file: InputFile.fromPath(sourceFile, 'bench.bin'),
					});
				});
				if (answer.chunksUploaded !== Math.ceil(size / (5 * MIB)))
					throw new Error('reference upload incomplete');
				return measured;
			}
			const users = new Users(client);
			const listAll = async () => {
				const all: unknown[] = [];
				let cursor: string | undefined;
				for (;;) {
					const queries = [Query.limit(PAGE), ...(cursor ? [Query.cursorAfter(cursor)] : [])];
					const page = await users.list({ queries });
					all.push(...page.users);
					if (page.users.length < PAGE) break;
					cursor = page.users[page.users.length - 1].$id;
				}
				return all;
			};
			await listAll();
			let count = 0;
			const measured = await measure(async () => {
				count = (await listAll()).length;
			});
			if (count !== USERS) throw new Error(`reference list returned ${count}`);
			return measured;
		}

		const mode = name.endsWith('-memory') ? 'default' : 'filesystem';
		await startBinaryData(mode, path.join(work, 'storage'));
		const credentials = {
			appwriteApi: { endpoint, projectId: 'bench', apiKey: 'bench-key', selfSigned: false },
		};
		const runOne = async (
			parameters: Record<string, unknown>,
			items?: Parameters<typeof runNode>[0]['items'],
		) => {
			const type = name.startsWith('list') ? 'appwriteUsers' : 'appwriteStorage';
			const result = await runNode({ type, parameters, credentials, items });
			if (result.status !== 'success') throw new Error(`${name}: ${result.error?.message}`);
			return result.output();
		};
		if (name.startsWith('download')) {
			const download = { resource: 'file', operation: 'download', bucketId: 'b' };
			await runOne({ ...download, fileId: 'small' });
			let output: Awaited<ReturnType<typeof runOne>> = [];
			const measured = await measure(async () => {
				output = await runOne({ ...download, fileId: 'big' });
			});
			if (output[0]?.binary?.data.bytes !== size) throw new Error('download incomplete');
			return measured;
		}
		if (name.startsWith('upload')) {
			const upload = { resource: 'file', operation: 'upload', bucketId: 'b', fileId: '' };
			await runOne(upload, [
				await storedBinaryItem(randomBytes(SMALL_BYTES), 'small.bin', 'application/octet-stream'),
			]);
			const input = await storedBinaryItem(
				createReadStream(sourceFile),
				'bench.bin',
				'application/octet-stream',
			);
			let output: Awaited<ReturnType<typeof runOne>> = [];
			const measured = await measure(async () => {
				output = await runOne(upload, [input]);
			});
			if (output[0]?.json.chunksUploaded !== Math.ceil(size / (5 * MIB)))
				throw new Error('upload incomplete');
			return measured;
		}
		const list = { resource: 'user', operation: 'getAll' };
		await runOne({ ...list, returnAll: false, limit: 10 });
		let output: Awaited<ReturnType<typeof runOne>> = [];
		const measured = await measure(async () => {
			output = await runOne({ ...list, returnAll: true });
		});
		if (output.length !== USERS) throw new Error(`node list returned ${output.length}`);
		return measured;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------- the parent: server and report

/** A lean Appwrite stand-in: serves the file, takes chunked uploads, lists users; counts requests. */
async function startServer(sourceFile: string, size: number) {
	const small = randomBytes(SMALL_BYTES);
	const users = Array.from({ length: USERS }, (_, index) => ({
		$id: `user-${String(index).padStart(5, '0')}`,
		$createdAt: '2026-01-01T00:00:00.000+00:00',
		$updatedAt: '2026-01-01T00:00:00.000+00:00',
		name: `Bench User ${index}`,
		email: `user${index}@example.com`,
		status: true,
		labels: ['bench'],
		prefs: { theme: 'dark' },
	}));
	const position = new Map(users.map((user, index) => [user.$id, index]));
	const counters = { requests: 0 };
	const chunksSeen = new Map<string, number>();
	const json = (response: http.ServerResponse, status: number, body: unknown) => {
		const text = JSON.stringify(body);
		response.writeHead(status, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text),
		});
		response.end(text);
	};
	const reset = () => {
		counters.requests = 0;
		chunksSeen.clear();
	};
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		if (url.pathname === '/v1/bench/reset') {
			reset();
			return json(response, 200, {});
		}
		counters.requests += 1;
		const download = /^\/v1\/storage\/buckets\/b\/files\/(big|small)(\/download)?$/.exec(
			url.pathname,
		);
		if (request.method === 'GET' && download) {
			const bytes = download[1] === 'big' ? size : SMALL_BYTES;
			if (!download[2])
				return json(response, 200, {
					$id: download[1],
					name: `${download[1]}.bin`,
					mimeType: 'application/octet-stream',
					sizeOriginal: bytes,
				});
			response.writeHead(200, {
				'content-type': 'application/octet-stream',
				'content-length': bytes,
			});
			if (download[1] === 'small') return response.end(small);
			return void pipeline(createReadStream(sourceFile), response).catch(() => undefined);
		}
		if (request.method === 'POST' && url.pathname === '/v1/storage/buckets/b/files') {
			request.resume();
			request.on('end', () => {
				const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(
					String(request.headers['content-range'] ?? ''),
				);
				if (!range)
					return json(response, 201, { $id: 'bench-file', chunksTotal: 1, chunksUploaded: 1 });
				const id = String(request.headers['x-appwrite-id'] ?? 'bench-file');
				const uploaded = (chunksSeen.get(id) ?? 0) + 1;
				chunksSeen.set(id, uploaded);
				json(response, 201, {
					$id: id,
					chunksTotal: Math.ceil(Number(range[3]) / (5 * MIB)),
					chunksUploaded: uploaded,
				});
			});
			return;
		}
		if (request.method === 'GET' && url.pathname === '/v1/users') {
			const queries = url.searchParams
				.getAll('queries[]')
				.concat(
					[...url.searchParams.entries()]
						.filter(([key]) => /^queries\[\d+\]$/.test(key))
						.map(([, value]) => value),
				);
			const parsed = queries.map(
				(query) => JSON.parse(query) as { method: string; values: unknown[] },
			);
			const limit = Number(parsed.find((query) => query.method === 'limit')?.values[0] ?? 25);
			const after = parsed.find((query) => query.method === 'cursorAfter')?.values[0];
			const start = after === undefined ? 0 : (position.get(String(after)) ?? -1) + 1;
			return json(response, 200, {
				total: Math.min(USERS, 5_000),
				users: users.slice(start, start + limit),
			});
		}
		json(response, 404, {
			message: `No route for ${request.method} ${url.pathname}`,
			code: 404,
			type: 'general_route_not_found',
		});
	});
	server.keepAliveTimeout = 5_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
	return {
		endpoint,
		counters,
		reset,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

function childRun(
	name: CaseName,
	endpoint: string,
	sourceFile: string,
	size: number,
): Promise<Measured> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				...process.execArgv,
				'--expose-gc',
				__filename,
				`--case=${name}`,
				`--endpoint=${endpoint}`,
				`--file=${sourceFile}`,
				`--size=${size}`,
			],
			{ stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			const line = out.trim().split('\n').pop() ?? '';
			if (code !== 0 || !line.startsWith('{'))
				return reject(new Error(`${name} failed (exit ${code}): ${out}`));
			resolve(JSON.parse(line) as Measured);
		});
	});
}

function sizeInMib(): number {
	const flag = process.argv.find((arg) => arg.startsWith('--mib='))?.slice('--mib='.length);
	const value = Number(flag ?? process.env.BENCH_MIB ?? 16);
	if (!Number.isInteger(value) || value < 6)
		throw new Error(
			'The file size (--mib= or BENCH_MIB) must be a whole number of MiB, at least 6',
		);
	return value;
}

async function main(): Promise<void> {
	const mib = sizeInMib();
	const size = mib * MIB;
	const work = mkdtempSync(path.join(tmpdir(), 'appwrite-bench-source-'));
	const sourceFile = path.join(work, 'bench.bin');
	const file = await open(sourceFile, 'w');
	for (let written = 0; written < size; written += MIB) await file.write(randomBytes(MIB));
	await file.close();
	const server = await startServer(sourceFile, size);

	const rows: Array<{ label: string; node: CaseName; reference: CaseName; memory: boolean }> = [
		{
			label: 'download, filesystem mode',
			node: 'download-filesystem',
			reference: 'download-ref',
			memory: true,
		},
		{
			label: 'download, memory mode',
			node: 'download-memory',
			reference: 'download-ref',
			memory: true,
		},
		{
			label: 'upload, filesystem mode',
			node: 'upload-filesystem',
			reference: 'upload-ref',
			memory: true,
		},
		{ label: 'upload, memory mode', node: 'upload-memory', reference: 'upload-ref', memory: true },
		{
			label: `Return All, ${USERS.toLocaleString('en-US')} users`,
			node: 'list-node',
			reference: 'list-ref',
			memory: false,
		},
	];
	const results = new Map<CaseName, Array<Measured & { requests: number }>>();
	const cases = [...new Set(rows.flatMap((row) => [row.reference, row.node]))];
	try {
		for (let round = 0; round < ROUNDS; round++) {
			for (const name of cases) {
				server.reset();
				const measured = await childRun(name, server.endpoint, sourceFile, size);
				const requests = server.counters.requests;
				results.set(name, [...(results.get(name) ?? []), { ...measured, requests }]);
			}
		}
	} finally {
		await server.close();
		rmSync(work, { recursive: true, force: true });
	}

	const median = (values: number[]) =>
		[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const figures = (name: CaseName) => {
		const runs = results.get(name) ?? [];
		return {
			ms: median(runs.map((run) => run.ms)),
			extra: median(runs.map((run) => run.extraBytes)),
			requests: median(runs.map((run) => run.requests)),
		};
	};
	const mibText = (bytes: number) => `${(Math.max(0, bytes) / MIB).toFixed(1)} MiB`;
	console.log(
		`transfers: ${mib} MiB file, ${USERS.toLocaleString('en-US')} users in pages of ${PAGE.toLocaleString('en-US')}, ${ROUNDS} rounds, medians`,
	);
	for (const row of rows) {
		const node = figures(row.node);
		const reference = figures(row.reference);
		const memory = row.memory
			? `extra memory ${mibText(node.extra)} (${(Math.max(0, node.extra) / size).toFixed(2)}× the file; reference ${mibText(reference.extra)}), `
			: '';
		console.log(
			`${row.label}: ${memory}time ${node.ms.toFixed(0)} ms vs reference ${reference.ms.toFixed(0)} ms (${(node.ms / reference.ms).toFixed(2)}×), requests ${node.requests} (reference ${reference.requests})`,
		);
	}
}

const caseArg = process.argv.find((arg) => arg.startsWith('--case='))?.slice('--case='.length) as
	| CaseName
	| undefined;
if (caseArg) {
	const value = (name: string) =>
		process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
	runCase(caseArg, value('endpoint'), value('file'), Number(value('size'))).then(
		(measured) => {
			console.log(JSON.stringify(measured));
			process.exit(0);
		},
		(error: unknown) => {
			console.error(error);
			process.exit(1);
		},
	);
} else {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
