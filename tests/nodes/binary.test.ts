import { randomBytes } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { appwriteCredentials, binaryBuffer, binaryItem, runNode } from '../support/engine';
import { StubServer } from '../support/stub-server';

let stub: StubServer;
/** A complete 1×1 PNG, so n8n can tell its type from the bytes as it does with Appwrite's images. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64',
);
const CHUNK = 5 * 1024 * 1024;

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

function run(
	type: string,
	parameters: Record<string, unknown>,
	items: INodeExecutionData[] = [{ json: {} }],
	continueOnFail = false,
) {
	return runNode({
		type,
		parameters,
		credentials: appwriteCredentials(stub.endpoint, 'k', 'p'),
		items,
		continueOnFail,
	});
}

describe('binary output', () => {
	it('an avatar arrives as n8n binary data with its exact bytes, MIME type and a file name', async () => {
		stub.on('GET', '/v1/avatars/initials', { body: PNG, headers: { 'content-type': 'image/png' } });
		const result = await run('appwriteAvatars', {
			resource: 'avatar',
			operation: 'getInitials',
			binaryProperty: 'avatar',
			additionalFields: { name: 'Ann Lee', width: 64 },
		});
		const [item] = result.output();
		expect(binaryBuffer(item, 'avatar')).toEqual(PNG);
		expect(item.binary?.avatar).toMatchObject({
			mimeType: 'image/png',
			fileName: 'initials-Ann Lee.png',
			fileExtension: 'png',
		});
		expect(stub.requests[0].headers.accept).toBe('image/png');
		expect(stub.requests[0].query.get('name')).toBe('Ann Lee');
		expect(stub.requests[0].query.get('width')).toBe('64');
	});

	it('a flag is requested by its ISO code (the API value, not the display name)', async () => {
		stub.on('GET', '/v1/avatars/flags/:code', {
			body: PNG,
			headers: { 'content-type': 'image/png' },
		});
		const result = await run('appwriteAvatars', {
			resource: 'avatar',
			operation: 'getFlag',
			code: 'de',
		});
		expect(stub.requests[0].path).toBe('/v1/avatars/flags/de');
		expect(result.output()[0].binary?.data.fileName).toBe('flag-de.png');
	});

	it('a downloaded file keeps its stored name and MIME type, with its details as JSON', async () => {
		const pdf = Buffer.from('%PDF-1.7\n exact bytes \x00\x01\x02\xff', 'latin1');
		const details = {
			$id: 'f1',
			bucketId: 'b1',
			name: 'Quarterly report.pdf',
			mimeType: 'application/pdf',
			sizeOriginal: pdf.length,
		};
		stub.on('GET', '/v1/storage/buckets/:bucketId/files/:fileId', { json: details });
		stub.on('GET', '/v1/storage/buckets/:bucketId/files/:fileId/download', {
			body: pdf,
			headers: { 'content-type': 'application/pdf' },
		});
		const result = await run('appwriteStorage', {
			resource: 'file',
			operation: 'download',
			bucketId: 'b1',
			fileId: 'f1',
		});
		const [item] = result.output();
		expect(item.json).toEqual(details);
		expect(binaryBuffer(item)).toEqual(pdf);
		expect(item.binary?.data).toMatchObject({
			fileName: 'Quarterly report.pdf',
			mimeType: 'application/pdf',
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('a JSON answer to a binary request fails the item instead of becoming a broken file', async () => {
		stub.on('GET', '/v1/avatars/qr', {
			json: { message: 'Avatars are disabled for this project' },
		});
		stub.error(
			'GET',
			'/v1/storage/buckets/:bucketId/files/:fileId/preview',
			404,
			'storage_file_not_found',
			'The requested file could not be found.',
		);
		const qr = await run(
			'appwriteAvatars',
			{ resource: 'avatar', operation: 'getQR', text: 'hello' },
			[{ json: {} }],
			true,
		);
		expect(qr.output()).toEqual([
			{
				json: {
					error: 'Appwrite answered without file content: Avatars are disabled for this project',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(qr.output()[0].binary).toBeUndefined();
		const preview = await run('appwriteStorage', {
			resource: 'file',
			operation: 'preview',
			bucketId: 'b1',
			fileId: 'missing',
		});
		expect(preview.status).toBe('error');
		expect((preview.error as { httpCode?: string }).httpCode).toBe('404');
		expect(preview.error?.message).toBe('The requested file could not be found.');
	});
});

describe('binary input: Storage upload', () => {
	it('uploads the input item’s binary field as a multipart file with its name and permissions', async () => {
		stub.on('POST', '/v1/storage/buckets/:bucketId/files', (request) => ({
			status: 201,
			json: {
				$id: String(request.form?.find(([name]) => name === 'fileId')?.[1]),
				bucketId: request.params.bucketId,
				name: 'photo.jpg',
			},
		}));
		const content = randomBytes(2048);
		const result = await run(
			'appwriteStorage',
			{
				resource: 'file',
				operation: 'upload',
				bucketId: 'b1',
				fileId: 'photo-1',
				file: 'picture',
				additionalFields: { permissions: 'read("any")' },
			},
			[
				{
					json: {},
					binary: { picture: binaryItem(content, 'photo.jpg', 'image/jpeg').binary!.data },
				},
			],
		);
		const form = stub.requests[0].form ?? [];
		expect(form.filter(([name]) => name !== 'file')).toEqual([
			['fileId', 'photo-1'],
			['permissions[]', 'read("any")'],
		]);
		const file = form.find(([name]) => name === 'file')?.[1] as { name: string; content: Buffer };
		expect(file.name).toBe('photo.jpg');
		expect(file.content).toEqual(content);
		expect(result.output()[0].json).toMatchObject({ $id: 'photo-1', bucketId: 'b1' });
	});

	it('sends a file over 5 MiB in chunks, every later chunk carrying the first chunk’s file ID', async () => {
		const content = randomBytes(12 * 1024 * 1024 + 123);
		const chunksTotal = Math.ceil(content.length / CHUNK);
		let uploaded = 0;
		stub.on('POST', '/v1/storage/buckets/:bucketId/files', () => {
			uploaded += 1;
			return {
				status: 201,
				json: { $id: 'server-file-id', bucketId: 'b1', chunksTotal, chunksUploaded: uploaded },
			};
		});
		const result = await run(
			'appwriteStorage',
			{ resource: 'file', operation: 'upload', bucketId: 'b1', fileId: '' },
			[binaryItem(content, 'big.bin', 'application/octet-stream')],
		);
		expect(stub.requests).toHaveLength(3);
		const chunks = stub.requests.map((request) => {
			const [, start, end, total] =
				/^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'])) ?? [];
			const file = request.form?.find(([name]) => name === 'file')?.[1] as { content: Buffer };
			return {
				start: Number(start),
				end: Number(end),
				total: Number(total),
				id: request.headers['x-appwrite-id'],
				content: file.content,
			};
		});
		expect(chunks[0]).toMatchObject({
			start: 0,
			end: CHUNK - 1,
			total: content.length,
			id: undefined,
		});
		for (const chunk of chunks.slice(1)) expect(chunk.id).toBe('server-file-id');
		const reassembled = Buffer.concat(
			chunks.sort((a, b) => a.start - b.start).map((chunk) => chunk.content),
		);
		// Buffer.equals: vitest's deep equality walks 12 MB byte by byte.
		expect(reassembled.length).toBe(content.length);
		expect(reassembled.equals(content)).toBe(true);
		expect(result.output()[0].json).toMatchObject({
			$id: 'server-file-id',
			chunksUploaded: chunksTotal,
		});
	});
});
