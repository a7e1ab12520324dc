/**
 * The stand-in explains a rejection the way Appwrite does and answers with what was sent
 * (tests/support/standin-memory.ts): through the real node-appwrite SDK, and for the error also
 * through a generated node in n8n's engine, where the user reads it.
 */
import { AppwriteException, Client, ID, Query, Storage, TablesDB, Users } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appwriteCredentials, runNode } from './support/engine';
import { startStandIn, type StandIn } from './support/standin';

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn();
});

afterAll(async () => {
	await standIn?.stop();
});

function client(): Client {
	return new Client().setEndpoint(standIn.endpoint).setProject('test-project').setKey('test-key');
}

async function rejection(call: () => Promise<unknown>): Promise<AppwriteException> {
	try {
		await call();
	} catch (error) {
		if (error instanceof AppwriteException) return error;
		throw error;
	}
	throw new Error('expected the stand-in to reject the request');
}

describe('a rejected request is explained like Appwrite explains it', () => {
	it('an invalid email: 400 general_argument_invalid naming `email` and the rule', async () => {
		const error = await rejection(() => new Users(client()).create(ID.unique(), 'not-an-email'));
		expect(error.code).toBe(400);
		expect(error.type).toBe('general_argument_invalid');
		expect(error.message).toBe('Invalid `email` param: Value must be a valid email address');
	});

	it('a wrong type in the query string names that parameter', async () => {
		const response = await fetch(`${standIn.endpoint}/users?total=maybe`, {
			headers: { 'x-appwrite-project': 'test-project', 'x-appwrite-key': 'test-key' },
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({
			code: 400,
			type: 'general_argument_invalid',
			message: 'Invalid `total` param: Value must be a valid boolean',
		});
	});

	it('a missing required parameter is "not optional"', async () => {
		const response = await fetch(`${standIn.endpoint}/users`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-appwrite-project': 'test-project',
				'x-appwrite-key': 'test-key',
			},
			body: JSON.stringify({ email: 'ann@example.com' }),
		});
		expect(await response.json()).toMatchObject({
			code: 400,
			message: 'Param "userId" is not optional.',
		});
	});

	it('n8n shows it as an Appwrite error that names the field', async () => {
		const result = await runNode({
			type: 'appwriteUsers',
			typeVersion: 2,
			parameters: {
				resource: 'user',
				operation: 'create',
				userId: '',
				email: 'ann.example.com',
				password: 'a-long-password',
				name: 'Ann Lee',
			},
			credentials: appwriteCredentials(standIn.endpoint, 'test-key'),
		});
		expect(result.status).toBe('error');
		const error = result.error as { message?: string; description?: string; httpCode?: string };
		expect(error.httpCode).toBe('400');
		expect(`${error.message} ${error.description}`).toContain(
			'Invalid `email` param: Value must be a valid email address',
		);
	});
});

describe('the stand-in remembers what was created', () => {
	it('a created user is read back and found by email with what was sent', async () => {
		const users = new Users(client());
		const created = await users.create(
			ID.unique(),
			'grace@example.com',
			undefined,
			undefined,
			'Grace Hopper',
		);
		expect(created).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
		expect((await users.get(created.$id)).name).toBe('Grace Hopper');
		const found = await users.list([Query.equal('email', 'grace@example.com')]);
		expect(found.total).toBe(1);
		expect(found.users.map((user) => user.$id)).toEqual([created.$id]);
		await users.updateName(created.$id, 'Grace B. Hopper');
		expect((await users.get(created.$id)).name).toBe('Grace B. Hopper');
		const again = await rejection(() => users.create(created.$id, 'other@example.com'));
		expect([again.code, again.type]).toEqual([409, 'user_already_exists']);
	});

	it('an uploaded file downloads with the same bytes, and its metadata has its name', async () => {
		const storage = new Storage(client());
		const bytes = Buffer.from('hello from the memory test\n');
		const file = await storage.createFile(
			'bucket1',
			ID.unique(),
			InputFile.fromBuffer(bytes, 'hello.txt'),
		);
		expect(file).toMatchObject({
			name: 'hello.txt',
			sizeOriginal: bytes.length,
			bucketId: 'bucket1',
		});
		expect((await storage.getFile('bucket1', file.$id)).name).toBe('hello.txt');
		const downloaded = Buffer.from(await storage.getFileDownload('bucket1', file.$id));
		expect(downloaded).toEqual(bytes);
		await storage.deleteFile('bucket1', file.$id);
		expect((await storage.listFiles('bucket1')).files.map((f) => f.$id)).not.toContain(file.$id);
	});

	it('rows are created, listed with queries, updated and deleted', async () => {
		const tables = new TablesDB(client());
		const ids = [] as string[];
		for (const [title, stock] of [
			['Pen', 12],
			['Ink', 0],
			['Pad', 5],
		] as const) {
			ids.push((await tables.createRow('shop', 'products', ID.unique(), { title, stock })).$id);
		}
		const inStock = await tables.listRows('shop', 'products', [
			Query.greaterThan('stock', 0),
			Query.orderDesc('stock'),
		]);
		expect(inStock.total).toBe(2);
		expect(inStock.rows.map((row) => row.title)).toEqual(['Pen', 'Pad']);
		const updated = await tables.updateRow('shop', 'products', ids[1], { stock: 40 });
		expect(updated).toMatchObject({ $id: ids[1], title: 'Ink', stock: 40 });
		expect((await tables.getRow('shop', 'products', ids[1])).stock).toBe(40);
		await tables.deleteRow('shop', 'products', ids[0]);
		const left = await tables.listRows('shop', 'products');
		expect(left.rows.map((row) => row.title)).toEqual(['Ink', 'Pad']);
		const gone = await rejection(() => tables.getRow('shop', 'products', ids[0]));
		expect([gone.code, gone.type]).toEqual([404, 'row_not_found']);
	});
});
