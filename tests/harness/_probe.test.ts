import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Storage, Users, AppwriteException } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';

import { binaryBuffer, binaryItem, n8nWorkflow, runNode, runWorkflow } from './engine';
import { refusedEndpoint, startStubServer, type StubServer } from './stub-server';

const PROBE = '/tmp/n8n-probe-pkg';
let stub: StubServer;

beforeAll(async () => {
	stub = await startStubServer();
});
afterAll(async () => {
	await stub.close();
});

describe('engine', () => {
	it('evaluates expressions per item and reads the credential', async () => {
		const result = await runNode({
			packageDir: PROBE,
			type: 'probe',
			parameters: { greeting: '={{ "hi " + $json.who }}' },
			items: [{ json: { who: 'a' } }, { json: { who: 'b' } }],
			credentials: { probeApi: { endpoint: stub.endpoint, apiKey: 'secret' } },
		});
		expect(result.status).toBe('success');
		expect(result.output().map((item) => item.json)).toEqual([
			{ greeting: 'hi a', keyLength: 6 },
			{ greeting: 'hi b', keyLength: 6 },
		]);
		expect(result.executionOrder).toEqual(['Probe']);
	});

	it('continueOnFail keeps going; without it the workflow fails', async () => {
		const base = {
			packageDir: PROBE,
			type: 'probe',
			parameters: { fail: '={{ $json.fail }}' },
			items: [{ json: { fail: false } }, { json: { fail: true } }],
			credentials: { probeApi: { endpoint: stub.endpoint, apiKey: 'k' } },
		};
		const ok = await runNode({ ...base, continueOnFail: true });
		expect(ok.status).toBe('success');
		expect(ok.output()[1].json).toEqual({ error: 'failing item 1' });

		const bad = await runNode(base);
		expect(bad.status).toBe('error');
		expect(bad.error?.message).toBe('failing item 1');
		expect(bad.nodeError()).toBeInstanceOf(n8nWorkflow.NodeOperationError);
		expect(bad.output()).toEqual([]);
	});

	it('missing credential data fails the node with a clear message', async () => {
		const result = await runNode({ packageDir: PROBE, type: 'probe' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('No credential data of type "probeApi"');
	});

	it('generic authenticate is applied for httpRequestWithAuthentication', async () => {
		stub.reset();
		stub.on('GET', '/v1/echo', (req) => ({ json: { key: req.headers['x-probe-key'], project: req.query.project } }));
		const result = await runNode({
			packageDir: PROBE,
			type: 'probe',
			parameters: { call: true },
			credentials: { probeApi: { endpoint: stub.endpoint, apiKey: 'abc' } },
		});
		expect(result.status).toBe('success');
		expect(result.output()[0].json.response).toEqual({ key: 'abc', project: 'p-3' });
	});

	it('binary data: write, chain into read, and read input items made by binaryItem', async () => {
		const result = await runWorkflow({
			packageDir: PROBE,
			nodes: [
				{ type: 'probeBinary', name: 'Write', parameters: { operation: 'write', text: '={{ $json.text }}' } },
				{ type: 'harness.noOp' },
				{ type: 'probeBinary', name: 'Read', parameters: { operation: 'read' } },
			],
			items: [{ json: { text: 'héllo' } }, { json: { text: 'world!' } }],
		});
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual(['Write', 'No Operation', 'Read']);
		const written = result.output('Write');
		expect(written[0].binary?.data.id).toBeUndefined();
		expect(binaryBuffer(written[0]).toString()).toBe('héllo');
		expect(result.output().map((item) => item.json)).toEqual([
			{ size: 6, text: 'héllo', fileName: 'probe.txt', mimeType: 'text/plain' },
			{ size: 6, text: 'world!', fileName: 'probe.txt', mimeType: 'text/plain' },
		]);

		const input = await binaryItem(Buffer.from([1, 2, 3, 250]), { fileName: 'x.bin', mimeType: 'application/octet-stream', property: 'file' });
		const read = await runNode({ packageDir: PROBE, type: 'probeBinary', parameters: { operation: 'read', property: 'file' }, items: [input] });
		expect(read.status).toBe('success');
		expect(read.output()[0].json).toMatchObject({ size: 4, fileName: 'x.bin', mimeType: 'application/octet-stream' });
	});

	it('1,000 items through one node', async () => {
		const items = Array.from({ length: 1000 }, (_, i) => ({ json: { who: `u${i}` } }));
		const t0 = performance.now();
		const result = await runNode({
			packageDir: PROBE,
			type: 'probe',
			parameters: { greeting: '={{ $json.who }}' },
			items,
			credentials: { probeApi: { endpoint: stub.endpoint, apiKey: 'k' } },
		});
		const ms = performance.now() - t0;
		expect(result.output()).toHaveLength(1000);
		expect(result.output()[999].json.greeting).toBe('u999');
		process.stderr.write(`PROBE 1000 items: ${ms.toFixed(1)} ms\n`);
	});

	it('real package loads (dist present)', async () => {
		const result = await runNode({ type: 'appwriteLocale', parameters: {}, credentials: { appwriteApi: { endpoint: stub.endpoint, projectId: 'p', apiKey: 'k', selfSigned: false } } });
		process.stderr.write(`REAL locale: ${result.status} ${JSON.stringify(result.error?.message)} ${JSON.stringify(stub.requests.map((r) => r.method + ' ' + r.url))}\n`);
	});
});

describe('stub server', () => {
	it('node-appwrite Users.get reaches the handler', async () => {
		stub.reset();
		stub.on('GET', '/v1/users/:userId', (req) => ({ json: { $id: req.params.userId, name: 'U' } }));
		const client = new Client().setEndpoint(stub.endpoint).setProject('p').setKey('k');
		const user = await new Users(client).get({ userId: 'u1' });
		expect(user.$id).toBe('u1');
		const req = stub.requests[0];
		expect(req.headers['x-appwrite-project']).toBe('p');
		expect(req.headers['x-appwrite-key']).toBe('k');
		expect(req.params).toEqual({ userId: 'u1' });
	});

	it('queries parse PHP-style; unmatched routes 404; error helper', async () => {
		stub.reset();
		stub.on('GET', '/v1/users', { json: { total: 0, users: [] } });
		stub.error('DELETE', '/v1/users/:id', 401, 'user_unauthorized', 'nope');
		const client = new Client().setEndpoint(stub.endpoint).setProject('p').setKey('k');
		const users = new Users(client);
		await users.list({ queries: ['{"method":"limit","values":[5]}', '{"method":"offset","values":[10]}'], search: 'bob' });
		expect(stub.requests[0].query).toEqual({
			queries: ['{"method":"limit","values":[5]}', '{"method":"offset","values":[10]}'],
			search: 'bob',
		});
		expect(stub.requests[0].rawQuery).toContain('queries%5B0%5D=');
		const e404 = await users.get({ userId: 'x' }).catch((e: unknown) => e);
		expect(e404).toBeInstanceOf(AppwriteException);
		expect((e404 as AppwriteException).type).toBe('general_route_not_found');
		const e401 = await users.delete({ userId: 'x' }).catch((e: unknown) => e);
		expect((e401 as AppwriteException).code).toBe(401);
		expect((e401 as AppwriteException).type).toBe('user_unauthorized');
		expect(stub.find('DELETE', '/v1/users/:id')).toHaveLength(1);
	});

	it('JSON bodies and once()', async () => {
		stub.reset();
		stub.on('POST', '/v1/users', (req) => ({ status: 201, json: { $id: (req.json as { userId: string }).userId } }));
		stub.once('POST', '/v1/users', { status: 500, json: { message: 'boom', code: 500, type: 'general_unknown', version: '1.8.1' } });
		const users = new Users(new Client().setEndpoint(stub.endpoint).setProject('p').setKey('k'));
		await expect(users.create({ userId: 'a', email: 'a@b.c' })).rejects.toThrow('boom');
		const created = await users.create({ userId: 'a', email: 'a@b.c' });
		expect(created.$id).toBe('a');
		expect(stub.requests[1].json).toMatchObject({ userId: 'a', email: 'a@b.c' });
		expect(stub.requests[1].headers['content-type']).toContain('application/json');
	});

	it('multipart uploads (Storage.createFile with InputFile.fromBuffer)', async () => {
		stub.reset();
		stub.on('POST', '/v1/storage/buckets/:bucketId/files', (req) => ({
			json: { $id: req.multipart?.fields.fileId, bucketId: req.params.bucketId, sizeOriginal: req.multipart?.files[0].size },
		}));
		const storage = new Storage(new Client().setEndpoint(stub.endpoint).setProject('p').setKey('k'));
		const bytes = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
		const file = await storage.createFile({
			bucketId: 'b1',
			fileId: 'f1',
			file: InputFile.fromBuffer(bytes, 'my "file".bin'),
			permissions: ['read("any")', 'update("users")'],
		});
		expect(file.$id).toBe('f1');
		const mp = stub.requests[0].multipart!;
		expect(mp.fields).toEqual({ fileId: 'f1', 'permissions[]': ['read("any")', 'update("users")'] });
		expect(mp.files).toHaveLength(1);
		expect(mp.files[0]).toMatchObject({ field: 'file', filename: 'my "file".bin', size: 8 });
		expect(mp.files[0].data.equals(bytes)).toBe(true);
		process.stderr.write(`MULTIPART headers: ${JSON.stringify(mp.parts.map((p) => p.headers))}\n`);
	});

	it('refused endpoint', async () => {
		const endpoint = await refusedEndpoint();
		const users = new Users(new Client().setEndpoint(endpoint).setProject('p').setKey('k'));
		const error = await users.get({ userId: 'x' }).catch((e: unknown) => e);
		expect(String((error as Error).cause ?? error)).toMatch(/ECONNREFUSED/);
	});

	it('1,000 sequential node-appwrite calls', async () => {
		stub.reset();
		stub.on('GET', '/v1/users/:userId', (req) => ({ json: { $id: req.params.userId } }));
		const users = new Users(new Client().setEndpoint(stub.endpoint).setProject('p').setKey('k'));
		const t0 = performance.now();
		for (let i = 0; i < 1000; i++) await users.get({ userId: `u${i}` });
		process.stderr.write(`STUB 1000 calls: ${(performance.now() - t0).toFixed(1)} ms\n`);
		expect(stub.requests).toHaveLength(1000);
	});
});
