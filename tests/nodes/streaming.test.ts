/**
 * Large files through n8n's engine with n8n's binary-data service in filesystem mode, as n8n runs
 * by default: downloads streamed into n8n's storage, uploads read from it a chunk at a time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { NodeSpec } from '../support/engine';
import {
	appwriteCredentials,
	runNode,
	startBinaryData,
	storedBinaryItem,
	storedBytes,
} from '../support/engine';
import type { RecordedRequest, StubResponse } from '../support/stub-server';
import { StubServer } from '../support/stub-server';

const MIB = 1024 * 1024;
const CHUNK = 5 * MIB;

let stub: StubServer;
let storage: string;

beforeAll(async () => {
	storage = mkdtempSync(path.join(tmpdir(), 'appwrite-binary-data-'));
	await startBinaryData('filesystem', storage);
	stub = await StubServer.start();
});
afterAll(async () => {
	await stub.close();
	rmSync(storage, { recursive: true, force: true });
});
beforeEach(() => stub.reset());

function run(
	type: string,
	parameters: Record<string, unknown>,
	items: INodeExecutionData[] = [{ json: {} }],
	options: { continueOnFail?: boolean; retry?: NodeSpec['retry'] } = {},
) {
	return runNode({
		type,
		parameters,
		credentials: appwriteCredentials(stub.endpoint, 'k', 'p'),
		items,
		...options,
	});
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file n8n's storage holds, below the storage path. */
function storedFiles(): string[] {
	return (
		readdirSync(storage, { recursive: true, withFileTypes: true }) as Array<{
			isFile(): boolean;
			name: string;
			parentPath: string;
		}>
	)
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath, entry.name));
}

/** A file of bucket b1 as the stub serves it: its details, then the download's answer. */
function serveStoredFile(
	details: { $id: string; name: string; mimeType: string },
	download: StubResponse,
) {
	stub.on('GET', '/v1/storage/buckets/:bucketId/files/:fileId', { json: details });
	stub.on('GET', '/v1/storage/buckets/:bucketId/files/:fileId/download', download);
}

/** Storage → File → Download of a file of bucket b1. */
const downloadOf = (fileId: string) => ({
	resource: 'file',
	operation: 'download',
	bucketId: 'b1',
	fileId,
});

const OCTET_STREAM = { 'content-type': 'application/octet-stream' };

describe('downloads streamed into n8n’s binary storage', () => {
	it('a stored file keeps its exact bytes, stored name and type, and lands on disk, not in the item', async () => {
		const content = randomBytes(3 * MIB + 17);
		serveStoredFile(
			{ $id: 'f1', name: 'Scan 2026.pdf', mimeType: 'application/pdf' },
			{ body: content, headers: OCTET_STREAM },
		);
		const result = await run('appwriteStorage', downloadOf('f1'));
		const [item] = result.output();
		expect(item.binary?.data).toMatchObject({
			fileName: 'Scan 2026.pdf',
			mimeType: 'application/pdf',
			data: 'filesystem-v2',
			bytes: content.length,
		});
		expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
		expect((await storedBytes(item)).equals(content)).toBe(true);
	});

	it('without stored details the name comes from Content-Disposition (filename* first) and the type from Content-Type', async () => {
		const archive = randomBytes(64 * 1024);
		stub.on('GET', '/v1/functions/:functionId/deployments/:deploymentId', {
			json: { $id: 'd1', resourceId: 'fn' },
		});
		stub.on('GET', '/v1/functions/:functionId/deployments/:deploymentId/download', {
			body: archive,
			headers: {
				'content-type': 'application/gzip',
				'content-disposition': `attachment; filename="code.tar.gz"; filename*=UTF-8''r%C3%A9sum%C3%A9%20code.tar.gz`,
			},
		});
		const result = await run('appwriteFunctions', {
			resource: 'deployment',
			operation: 'download',
			functionId: 'fn',
			deploymentId: 'd1',
		});
		const [item] = result.output();
		expect(item.binary?.data).toMatchObject({
			fileName: 'résumé code.tar.gz',
			mimeType: 'application/gzip',
		});
		expect((await storedBytes(item)).equals(archive)).toBe(true);
		stub.on('GET', '/v1/functions/:functionId/deployments/:deploymentId/download', {
			body: archive,
			headers: {
				'content-type': 'application/gzip',
				'content-disposition': 'attachment; filename="build output.tar.gz"',
			},
		});
		const plain = await run('appwriteFunctions', {
			resource: 'deployment',
			operation: 'download',
			functionId: 'fn',
			deploymentId: 'd1',
		});
		expect(plain.output()[0].binary?.data.fileName).toBe('build output.tar.gz');
	});

	it('a file above 100 MiB arrives whole, byte for byte', async () => {
		const content = randomBytes(101 * MIB + 5);
		serveStoredFile(
			{ $id: 'big', name: 'big.bin', mimeType: 'application/octet-stream' },
			{ body: content, headers: OCTET_STREAM },
		);
		const result = await run('appwriteStorage', downloadOf('big'));
		const [item] = result.output();
		expect(item.binary?.data).toMatchObject({ fileName: 'big.bin', bytes: content.length });
		expect(sha(await storedBytes(item))).toBe(sha(content));
	}, 60_000);

	it('a body cut off part-way fails the item, names the request, and leaves no file in n8n’s storage', async () => {
		const before = storedFiles();
		serveStoredFile(
			{ $id: 'f1', name: 'cut.bin', mimeType: 'application/octet-stream' },
			{ body: randomBytes(2 * MIB), cutAfter: MIB },
		);
		const result = await run('appwriteStorage', downloadOf('f1'), [{ json: {} }], {
			continueOnFail: true,
		});
		expect(result.output()).toEqual([
			{
				json: {
					error:
						'The connection to Appwrite closed while the answer to GET /v1/storage/buckets/b1/files/f1/download was arriving',
					description:
						'Error code: ECONNRESET. Appwrite or a proxy in front of it dropped the connection: check their logs and retry.',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(storedFiles()).toEqual(before);
	});
});

interface SeenChunk {
	start: number;
	end: number;
	total: number;
	id?: string;
	sha: string;
}

/** The chunk a multipart upload request carries, with its range and the digest of its bytes. */
function chunkOf(request: RecordedRequest): SeenChunk {
	const [, start, end, total] =
		/^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'])) ?? [];
	const file = request.form?.find(([name]) => name === 'file' || name === 'code')?.[1] as {
		content: Buffer;
	};
	return {
		start: Number(start),
		end: Number(end),
		total: Number(total),
		id: request.headers['x-appwrite-id'] as string | undefined,
		sha: sha(file.content),
	};
}

/** Appwrite's chunked upload: records each chunk (then drops its bytes), answers with the progress. */
function acceptChunks(route: string, options: { delayMs?: number; failOnce?: number } = {}) {
	const seen: SeenChunk[] = [];
	const state = { inFlight: 0, mostInFlight: 0, failed: false };
	stub.on('POST', route, async (request) => {
		const chunk = chunkOf(request);
		stub.requests.length = 0;
		state.inFlight += 1;
		state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
		await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
		state.inFlight -= 1;
		const index = chunk.start / CHUNK;
		if (options.failOnce === index && !state.failed) {
			state.failed = true;
			return {
				status: 500,
				json: { message: 'Server error', code: 500, type: 'general_unknown', version: '1.8.1' },
			};
		}
		seen.push(chunk);
		const chunksTotal = Math.ceil(chunk.total / CHUNK);
		const uploaded = new Set(seen.map((entry) => entry.start)).size;
		return { status: 201, json: { $id: 'server-file', chunksTotal, chunksUploaded: uploaded } };
	});
	return { seen, state };
}

/** The digests of the chunks Appwrite should receive for `content`. */
function expectedChunks(content: Buffer): Array<Pick<SeenChunk, 'start' | 'end' | 'sha'>> {
	const chunks = [];
	for (let start = 0; start < content.length; start += CHUNK) {
		const end = Math.min(content.length, start + CHUNK);
		chunks.push({ start, end: end - 1, sha: sha(content.subarray(start, end)) });
	}
	return chunks;
}

describe('uploads read from n8n’s binary storage a chunk at a time', () => {
	it('a file above 100 MiB goes up in exact 5 MiB chunks, the first alone, the rest naming its ID', async () => {
		const content = randomBytes(101 * MIB + 321);
		const input = await storedBinaryItem(content, 'archive.zip', 'application/zip');
		expect(input.binary?.data.id).toMatch(/^filesystem-v2:/);
		// Each answer waits a little, so the chunks the node keeps in flight overlap at the server.
		const { seen, state } = acceptChunks('/v1/storage/buckets/:bucketId/files', { delayMs: 100 });
		const result = await run(
			'appwriteStorage',
			{ resource: 'file', operation: 'upload', bucketId: 'b1', fileId: '' },
			[input],
		);
		expect(result.status).toBe('success');
		expect(seen[0]).toMatchObject({ start: 0, id: undefined });
		expect(seen.slice(1).every((chunk) => chunk.id === 'server-file')).toBe(true);
		expect(
			seen.map(({ start, end, sha }) => ({ start, end, sha })).sort((a, b) => a.start - b.start),
		).toEqual(expectedChunks(content));
		// Four in flight by default: the server sees them overlap, never more.
		expect(state.mostInFlight).toBeGreaterThan(1);
		expect(state.mostInFlight).toBeLessThanOrEqual(4);
		expect(result.output()[0].json).toMatchObject({
			$id: 'server-file',
			chunksUploaded: 21,
			chunksTotal: 21,
		});
	}, 60_000);

	it('Upload Chunks in Parallel bounds the chunks in flight', async () => {
		const content = randomBytes(26 * MIB);
		const input = await storedBinaryItem(content, 'code.tar.gz', 'application/gzip');
		const { seen, state } = acceptChunks('/v1/functions/:functionId/deployments', { delayMs: 50 });
		const result = await run(
			'appwriteFunctions',
			{
				resource: 'deployment',
				operation: 'create',
				functionId: 'fn',
				code: 'data',
				activate: true,
				uploadChunksInParallel: 1,
			},
			[input],
		);
		expect(result.status).toBe('success');
		expect(state.mostInFlight).toBe(1);
		expect(
			seen.map(({ start, end, sha }) => ({ start, end, sha })).sort((a, b) => a.start - b.start),
		).toEqual(expectedChunks(content));
	});

	it('a value outside 1 to 8 fails the item before any request, naming the field', async () => {
		const input = await storedBinaryItem(randomBytes(10), 'a.txt', 'text/plain');
		const result = await run(
			'appwriteStorage',
			{
				resource: 'file',
				operation: 'upload',
				bucketId: 'b1',
				fileId: 'x',
				uploadChunksInParallel: 9,
			},
			[input],
			{ continueOnFail: true },
		);
		expect(result.output()[0].json.error).toBe(
			'The field "Upload Chunks in Parallel" must be a whole number from 1 to 8, got 9 [item 0]',
		);
		expect(stub.requests).toHaveLength(0);
	});

	it('Retry On Fail resumes a failed upload: only the missing chunk is sent again, under the same file ID', async () => {
		const content = randomBytes(17 * MIB);
		const input = await storedBinaryItem(content, 'video.mp4', 'video/mp4');
		const { seen } = acceptChunks('/v1/storage/buckets/:bucketId/files', { failOnce: 2 });
		const result = await run(
			'appwriteStorage',
			{
				resource: 'file',
				operation: 'upload',
				bucketId: 'b1',
				fileId: 'clip',
				uploadChunksInParallel: 1,
			},
			[input],
			{ retry: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } },
		);
		expect(result.status).toBe('success');
		// Chunks 0 and 1 acknowledged; chunk 2 failed, which stops the run; the retry sends 2 and 3.
		expect(seen.map((chunk) => chunk.start / CHUNK)).toEqual([0, 1, 2, 3]);
		expect(seen.slice(1).every((chunk) => chunk.id === 'server-file')).toBe(true);
		expect(seen.map(({ start, end, sha }) => ({ start, end, sha }))).toEqual(
			expectedChunks(content),
		);
		expect(result.output()[0].json).toMatchObject({ $id: 'server-file', chunksUploaded: 4 });
	});

	it('a small file goes up in one request with its exact bytes and name', async () => {
		const content = randomBytes(300 * 1024);
		const input = await storedBinaryItem(content, 'photo.jpg', 'image/jpeg');
		stub.on('POST', '/v1/storage/buckets/:bucketId/files', { status: 201, json: { $id: 'photo' } });
		await run(
			'appwriteStorage',
			{ resource: 'file', operation: 'upload', bucketId: 'b1', fileId: 'photo' },
			[input],
		);
		expect(stub.requests).toHaveLength(1);
		expect(stub.requests[0].headers['content-range']).toBeUndefined();
		const file = stub.requests[0].form?.find(([name]) => name === 'file')?.[1] as {
			name: string;
			content: Buffer;
		};
		expect(file.name).toBe('photo.jpg');
		expect(file.content.equals(content)).toBe(true);
	});
});

describe('a kept-alive connection gone stale', () => {
	it('a read whose reused socket the server closed is sent again once, on a fresh connection', async () => {
		let calls = 0;
		stub.on('GET', '/v1/users/:userId', (request) => {
			calls += 1;
			return calls === 2 ? { dropConnection: true } : { json: { $id: request.params.userId } };
		});
		const result = await run(
			'appwriteUsers',
			{ resource: 'user', operation: 'get', userId: '={{ $json.id }}' },
			[{ json: { id: 'ann' } }, { json: { id: 'bob' } }],
		);
		expect(result.status).toBe('success');
		expect(result.output().map((item) => item.json.$id)).toEqual(['ann', 'bob']);
		expect(stub.requests.map((request) => request.path)).toEqual([
			'/v1/users/ann',
			'/v1/users/bob',
			'/v1/users/bob',
		]);
	});

	it('a read that fails that way twice fails the item, and a write is never sent again', async () => {
		stub.on('GET', '/v1/users/:userId', (request) =>
			request.params.userId === 'ann' ? { json: { $id: 'ann' } } : { dropConnection: true },
		);
		const read = await run(
			'appwriteUsers',
			{ resource: 'user', operation: 'get', userId: '={{ $json.id }}' },
			[{ json: { id: 'ann' } }, { json: { id: 'bob' } }],
			{
				continueOnFail: true,
			},
		);
		expect(read.output()[1].json.error).toBe(
			'The connection to Appwrite closed before the answer to GET /v1/users/bob arrived',
		);
		expect(stub.requests.filter((request) => request.path === '/v1/users/bob')).toHaveLength(2);

		stub.reset();
		let posts = 0;
		stub.on('PATCH', '/v1/users/:userId/name', () =>
			++posts === 2 ? { dropConnection: true } : { json: { $id: 'ann' } },
		);
		stub.on('GET', '/v1/users/:userId', { json: { $id: 'ann' } });
		const write = await run(
			'appwriteUsers',
			{
				resource: 'user',
				operation: 'update',
				userId: 'ann',
				additionalFields: { name: '={{ $json.name }}' },
			},
			[{ json: { name: 'A' } }, { json: { name: 'B' } }],
			{ continueOnFail: true },
		);
		expect(write.output()[1].json.error).toMatch(
			/^The connection to Appwrite closed before the answer to PATCH \/v1\/users\/ann\/name arrived/,
		);
		expect(posts).toBe(2);
	});
});
