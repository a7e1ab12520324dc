/**
 * Proves the local Appwrite stand-in (Prism + the rewritten 1.8.x server spec) behaves like an
 * Appwrite server towards the real node-appwrite SDK: real objects and arrays on success,
 * AppwriteException with Appwrite's `code`/`type` on failure, bytes from binary endpoints, and a
 * 4xx for any request that breaks the spec. One Prism process for the whole file.
 */
import {
	AppwriteException,
	Avatars,
	Browser,
	Client,
	Compression,
	CreditCard,
	Databases,
	ExecutionMethod,
	Flag,
	Functions,
	ID,
	Locale,
	Messaging,
	Permission,
	Query,
	Role,
	Storage,
	Tokens,
	Users,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from './support/standin';
import { STANDIN_BINARY } from './support/standin-spec';

let standIn: StandIn;
let startupMs = 0;

beforeAll(async () => {
	const started = performance.now();
	standIn = await startStandIn({ remember: false }); // the spec's own answers; tests/standin-memory.test.ts covers the memory
	startupMs = performance.now() - started;
});

afterAll(async () => {
	await standIn?.stop();
});

function client(configure: (c: Client) => Client = (c) => c.setKey('test-key')): Client {
	return configure(new Client().setEndpoint(standIn.endpoint).setProject('test-project'));
}

/** Runs `call` and returns the AppwriteException it must throw. */
async function rejection(call: () => Promise<unknown>): Promise<AppwriteException> {
	try {
		await call();
	} catch (error) {
		expect(error).toBeInstanceOf(AppwriteException);
		return error as AppwriteException;
	}
	throw new Error('expected the call to throw an AppwriteException');
}

function expectObjects(items: unknown): void {
	expect(Array.isArray(items)).toBe(true);
	expect((items as unknown[]).length).toBeGreaterThan(0);
	for (const item of items as unknown[]) {
		expect(item).toBeTypeOf('object');
		expect(Array.isArray(item)).toBe(false);
	}
}

const future = '2030-01-01T00:00:00.000+00:00';
const documentData = { title: 'Hello', views: 1 };

describe('Appwrite stand-in', () => {
	it('serves the API under /v1 on 127.0.0.1, like a real server', () => {
		expect(standIn.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
		console.info(`stand-in started in ${Math.round(startupMs)} ms at ${standIn.endpoint}`);
	});

	it('users.list returns a users array of user objects', async () => {
		const list = await new Users(client()).list({
			queries: [Query.limit(2)],
			search: 'john',
			total: true,
		});
		expect(list.total).toBeTypeOf('number');
		expectObjects(list.users);
		expect(list.users[0].$id).toBeTypeOf('string');
		expect(list.users[0].email).toBeTypeOf('string');
	});

	it.each([
		['messaging.listTopics', (c: Client) => new Messaging(c).listTopics(), 'topics'],
		['locale.listCountries', (c: Client) => new Locale(c).listCountries(), 'countries'],
		['storage.listFiles', (c: Client) => new Storage(c).listFiles({ bucketId: 'b' }), 'files'],
		['functions.list', (c: Client) => new Functions(c).list(), 'functions'],
		['tokens.list', (c: Client) => new Tokens(c).list({ bucketId: 'b', fileId: 'f' }), 'tokens'],
		[
			'databases.listDocuments',
			(c: Client) => new Databases(c).listDocuments({ databaseId: 'd', collectionId: 'c' }),
			'documents',
		],
	] as const)('%s returns real objects in its list', async (_name, call, key) => {
		const list = (await call(client())) as unknown as Record<string, unknown>;
		expectObjects(list[key]);
	});

	it('users.create with valid params answers 201 with a user object', async () => {
		const user = await new Users(client()).create({
			userId: ID.unique(),
			email: 'ada@example.com',
			password: 'correct horse',
			name: 'Ada',
		});
		expect(user.$id).toBeTypeOf('string');
		expect(user.email).toBeTypeOf('string');
		// The SDK hides the status; check it on the wire once.
		const response = await fetch(`${standIn.endpoint}/users`, {
			method: 'POST',
			headers: {
				'x-appwrite-project': 'test-project',
				'x-appwrite-key': 'test-key',
				'content-type': 'application/json',
			},
			body: JSON.stringify({ userId: 'ada', email: 'ada@example.com' }),
		});
		expect(response.status).toBe(201);
	});

	it('users.create with an invalid email throws AppwriteException 400', async () => {
		const error = await rejection(() =>
			new Users(client()).create({ userId: ID.unique(), email: 'not-an-email' }),
		);
		expect(error.code).toBe(400);
		expect(error.type).toBe('general_argument_invalid');
		expect(standIn.output()).toContain('Request body property email must match format "email"');
	});

	it('a JSON body value of the wrong type is a 400 (users.updateStatus with status "false")', async () => {
		const error = await rejection(() =>
			new Users(client()).updateStatus({ userId: 'u', status: 'false' as unknown as boolean }),
		);
		expect(error.code).toBe(400);
		expect(error.type).toBe('general_argument_invalid');
		expect(standIn.output()).toContain('Request body property status must be boolean');
	});

	// The old package's bug classes, each caught by the stand-in before our own tests look at anything.
	it.each([
		[
			'an enum display name in the path',
			(c: Client) => new Avatars(c).getBrowser({ code: 'Chrome' as Browser }),
		],
		[
			'a comma-separated string for an array',
			(c: Client) =>
				new Messaging(c).createEmail({
					messageId: 'm',
					subject: 's',
					content: 'c',
					topics: 'a,b' as unknown as string[],
				}),
		],
		[
			'an unparsed JSON string for an object',
			(c: Client) =>
				new Users(c).updatePrefs({ userId: 'u', prefs: '{"a":1}' as unknown as object }),
		],
		[
			'a numeric string for an integer',
			(c: Client) =>
				new Messaging(c).createSmtpProvider({
					providerId: 'p',
					name: 'n',
					host: 'h',
					port: '587' as unknown as number,
				}),
		],
		[
			'an unknown enum value in the body',
			(c: Client) =>
				new Functions(c).createExecution({ functionId: 'f', method: 'FETCH' as ExecutionMethod }),
		],
		[
			'null for a non-nullable field',
			(c: Client) => new Users(c).updateName({ userId: 'u', name: null as unknown as string }),
		],
		[
			'a boolean query parameter that is not a boolean',
			(c: Client) => new Users(c).list({ total: 'maybe' as unknown as boolean }),
		],
		[
			'a scalar for a multipart array field',
			(c: Client) =>
				new Storage(c).createFile({
					bucketId: 'b',
					fileId: 'f',
					file: InputFile.fromBuffer(Buffer.from('x'), 'x.txt'),
					permissions: 'read("any")' as unknown as string[],
				}),
		],
	] as const)('rejects %s with a 400', async (_name, call) => {
		const error = await rejection(() => call(client()));
		expect(error.code).toBe(400);
		expect(error.type).toBe('general_argument_invalid');
	});

	it('a call without the key header answers 401 general_unauthorized_scope', async () => {
		const noKey = await rejection(() => new Users(client((c) => c)).list());
		expect(noKey.code).toBe(401);
		expect(noKey.type).toBe('general_unauthorized_scope');
		expect(noKey.message).toContain('users.read');
		const noProject = await rejection(() =>
			new Users(new Client().setEndpoint(standIn.endpoint).setKey('k')).list(),
		);
		expect(noProject.code).toBe(401);
	});

	it('storage.createFile uploads an InputFile and returns a File object', async () => {
		const file = await new Storage(client()).createFile({
			bucketId: 'bucket',
			fileId: ID.unique(),
			file: InputFile.fromBuffer(Buffer.from('hello stand-in'), 'hello.txt'),
			permissions: [Permission.read(Role.any())],
		});
		expect(file.$id).toBeTypeOf('string');
		expect(file.bucketId).toBeTypeOf('string');
		expect(file.sizeOriginal).toBeTypeOf('number');
	});

	it('users.deleteSession succeeds (no 415 for the empty JSON body of a DELETE)', async () => {
		// Prism answers 204 without a content type, and the SDK turns that into { message: '' }.
		await expect(
			new Users(client()).deleteSession({ userId: 'u', sessionId: 's' }),
		).resolves.toEqual({ message: '' });
	});

	it('functions.createExecution returns an execution object (the spec only offers multipart)', async () => {
		const execution = await new Functions(client()).createExecution({
			functionId: 'f',
			body: '{"hello":"world"}',
			async: false,
			xpath: '/run',
			method: ExecutionMethod.POST,
			headers: { 'x-test': '1' },
		});
		expect(execution.$id).toBeTypeOf('string');
		expect(execution.status).toBeTypeOf('string');
		expectObjects(execution.requestHeaders);
	});

	it('Prefer: code=404 yields AppwriteException 404 with an Appwrite type', async () => {
		const notFound = client();
		notFound.addHeader('Prefer', 'code=404');
		const user = await rejection(() => new Users(notFound).get({ userId: 'missing' }));
		expect(user.code).toBe(404);
		expect(user.type).toBe('user_not_found');
		const file = await rejection(() =>
			new Storage(notFound).getFileDownload({ bucketId: 'b', fileId: 'missing' }),
		);
		expect([file.code, file.type]).toEqual([404, 'storage_file_not_found']);
		const conflict = client();
		conflict.addHeader('Prefer', 'code=409');
		const exists = await rejection(() =>
			new Users(conflict).create({ userId: 'taken', email: 'a@example.com' }),
		);
		expect([exists.code, exists.type]).toEqual([409, 'user_already_exists']);
	});

	it('binary endpoints return bytes: avatars.getInitials and storage.getFileDownload', async () => {
		const initials = await new Avatars(client()).getInitials({
			name: 'Ada Lovelace',
			width: 64,
			height: 64,
			background: 'ff0000',
		});
		expect(initials).toBeInstanceOf(ArrayBuffer);
		expect(initials.byteLength).toBe(29);
		expect(Buffer.from(initials).equals(STANDIN_BINARY.image)).toBe(true);
		expect(Buffer.from(initials).subarray(0, 6).toString('latin1')).toBe('GIF89a');
		const download = await new Storage(client()).getFileDownload({ bucketId: 'b', fileId: 'f' });
		expect(Buffer.from(download).equals(STANDIN_BINARY.file)).toBe(true);
	});

	it('an SDK method newer than the 1.8.x spec gets a 404 without an Appwrite type', async () => {
		const error = await rejection(() =>
			new Users(client()).updateImpersonator({ userId: 'u', impersonator: true }),
		);
		expect(error.code).toBe(404);
		expect(error.type).toBe('');
	});

	describe('what the stand-in does not check', () => {
		it('queries[n] strings are not validated (the SDK sends queries[0]=..., the spec names `queries`)', async () => {
			await expect(new Users(client()).list({ queries: ['not a query'] })).resolves.toHaveProperty(
				'users',
			);
		});

		it('unknown body properties are accepted (models do not forbid additional properties)', async () => {
			const params = { userId: 'u', name: 'n', nickname: 'x' };
			const call = new Users(client()).updateName(params);
			await expect(call).resolves.toHaveProperty('$id');
		});

		it('multipart scalars are strings: a numeric fileId passes', async () => {
			const call = new Storage(client()).createFile({
				bucketId: 'b',
				fileId: 123 as unknown as string,
				file: InputFile.fromBuffer(Buffer.from('x'), 'x.txt'),
			});
			await expect(call).resolves.toHaveProperty('$id');
		});
	});

	// Every seed action's SDK method, called object-style with realistic values, must reach a
	// request the spec accepts and get a spec-valid answer back (the stand-in runs with --errors).
	const seedCalls: [string, (c: Client) => Promise<unknown>][] = [
		[
			'avatars.getBrowser',
			(c) => new Avatars(c).getBrowser({ code: Browser.GoogleChrome, width: 100, height: 100 }),
		],
		['avatars.getCreditCard', (c) => new Avatars(c).getCreditCard({ code: CreditCard.Visa })],
		['avatars.getFavicon', (c) => new Avatars(c).getFavicon({ url: 'https://appwrite.io' })],
		['avatars.getFlag', (c) => new Avatars(c).getFlag({ code: Flag.UnitedStates })],
		[
			'avatars.getImage',
			(c) => new Avatars(c).getImage({ url: 'https://appwrite.io/logo.png', width: 10 }),
		],
		[
			'avatars.getQR',
			(c) => new Avatars(c).getQR({ text: 'hi', size: 100, margin: 1, download: true }),
		],
		[
			'databases.createDocument',
			(c) =>
				new Databases(c).createDocument({
					databaseId: 'd',
					collectionId: 'c',
					documentId: ID.unique(),
					data: documentData,
					permissions: [Permission.read(Role.any())],
				}),
		],
		[
			'databases.getDocument',
			(c) =>
				new Databases(c).getDocument({
					databaseId: 'd',
					collectionId: 'c',
					documentId: 'x',
					queries: [Query.select(['a'])],
				}),
		],
		[
			'databases.updateDocument',
			(c) =>
				new Databases(c).updateDocument({
					databaseId: 'd',
					collectionId: 'c',
					documentId: 'x',
					data: documentData,
				}),
		],
		[
			'databases.deleteDocument',
			(c) =>
				new Databases(c).deleteDocument({ databaseId: 'd', collectionId: 'c', documentId: 'x' }),
		],
		['functions.get', (c) => new Functions(c).get({ functionId: 'f' })],
		[
			'functions.createExecution (scheduled)',
			(c) =>
				new Functions(c).createExecution({ functionId: 'f', async: true, scheduledAt: future }),
		],
		[
			'messaging.createApnsProvider',
			(c) =>
				new Messaging(c).createApnsProvider({
					providerId: ID.unique(),
					name: 'a',
					authKey: 'k',
					authKeyId: 'i',
					teamId: 't',
					bundleId: 'b',
					sandbox: true,
					enabled: false,
				}),
		],
		[
			'messaging.createFcmProvider',
			(c) =>
				new Messaging(c).createFcmProvider({
					providerId: ID.unique(),
					name: 'f',
					serviceAccountJSON: { project_id: 'x' },
					enabled: true,
				}),
		],
		[
			'messaging.createMailgunProvider',
			(c) =>
				new Messaging(c).createMailgunProvider({
					providerId: ID.unique(),
					name: 'm',
					apiKey: 'k',
					domain: 'mg.example.com',
					isEuRegion: false,
					fromEmail: 'a@example.com',
					enabled: true,
				}),
		],
		[
			'messaging.createMsg91Provider',
			(c) =>
				new Messaging(c).createMsg91Provider({
					providerId: ID.unique(),
					name: 'm',
					templateId: 't',
					senderId: 's',
					authKey: 'k',
					enabled: true,
				}),
		],
		[
			'messaging.createSendgridProvider',
			(c) =>
				new Messaging(c).createSendgridProvider({
					providerId: ID.unique(),
					name: 's',
					apiKey: 'k',
					fromEmail: 'a@example.com',
					enabled: true,
				}),
		],
		[
			'messaging.createSmtpProvider',
			(c) =>
				new Messaging(c).createSmtpProvider({
					providerId: ID.unique(),
					name: 's',
					host: 'smtp.example.com',
					port: 587,
					username: 'u',
					password: 'p',
					enabled: true,
				}),
		],
		[
			'messaging.createTelesignProvider',
			(c) =>
				new Messaging(c).createTelesignProvider({
					providerId: ID.unique(),
					name: 't',
					from: '+15551234567',
					customerId: 'c',
					apiKey: 'k',
					enabled: true,
				}),
		],
		[
			'messaging.createTextmagicProvider',
			(c) =>
				new Messaging(c).createTextmagicProvider({
					providerId: ID.unique(),
					name: 't',
					from: '+15551234567',
					username: 'u',
					apiKey: 'k',
					enabled: true,
				}),
		],
		[
			'messaging.createTwilioProvider',
			(c) =>
				new Messaging(c).createTwilioProvider({
					providerId: ID.unique(),
					name: 't',
					from: '+15551234567',
					accountSid: 'a',
					authToken: 't',
					enabled: true,
				}),
		],
		[
			'messaging.createVonageProvider',
			(c) =>
				new Messaging(c).createVonageProvider({
					providerId: ID.unique(),
					name: 'v',
					from: '+15551234567',
					apiKey: 'k',
					apiSecret: 's',
					enabled: true,
				}),
		],
		[
			'messaging.updateApnsProvider',
			(c) =>
				new Messaging(c).updateApnsProvider({
					providerId: 'p',
					name: 'n',
					enabled: false,
					authKey: 'k',
					sandbox: false,
				}),
		],
		[
			'messaging.updateFcmProvider',
			(c) =>
				new Messaging(c).updateFcmProvider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					serviceAccountJSON: { project_id: 'x' },
				}),
		],
		[
			'messaging.updateMailgunProvider',
			(c) =>
				new Messaging(c).updateMailgunProvider({
					providerId: 'p',
					name: 'n',
					apiKey: 'k',
					domain: 'd',
					isEuRegion: true,
					enabled: true,
				}),
		],
		[
			'messaging.updateMsg91Provider',
			(c) =>
				new Messaging(c).updateMsg91Provider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					senderId: 's',
					authKey: 'k',
				}),
		],
		[
			'messaging.updateSendgridProvider',
			(c) =>
				new Messaging(c).updateSendgridProvider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					apiKey: 'k',
				}),
		],
		[
			'messaging.updateSmtpProvider',
			(c) =>
				new Messaging(c).updateSmtpProvider({
					providerId: 'p',
					name: 'n',
					host: 'h',
					port: 25,
					username: 'u',
					password: 'p',
					enabled: true,
				}),
		],
		[
			'messaging.updateTelesignProvider',
			(c) =>
				new Messaging(c).updateTelesignProvider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					customerId: 'c',
					apiKey: 'k',
				}),
		],
		[
			'messaging.updateTextmagicProvider',
			(c) =>
				new Messaging(c).updateTextmagicProvider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					username: 'u',
					apiKey: 'k',
				}),
		],
		[
			'messaging.updateTwilioProvider',
			(c) =>
				new Messaging(c).updateTwilioProvider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					accountSid: 'a',
					authToken: 't',
				}),
		],
		[
			'messaging.updateVonageProvider',
			(c) =>
				new Messaging(c).updateVonageProvider({
					providerId: 'p',
					name: 'n',
					enabled: true,
					apiKey: 'k',
					apiSecret: 's',
				}),
		],
		[
			'messaging.createEmail',
			(c) =>
				new Messaging(c).createEmail({
					messageId: ID.unique(),
					subject: 's',
					content: 'c',
					topics: ['t'],
					cc: ['x'],
					draft: true,
					html: false,
					scheduledAt: future,
				}),
		],
		[
			'messaging.createPush',
			(c) =>
				new Messaging(c).createPush({ messageId: ID.unique(), title: 't', body: 'b', draft: true }),
		],
		[
			'messaging.createSms',
			(c) => new Messaging(c).createSms({ messageId: ID.unique(), content: 'c', draft: true }),
		],
		[
			'messaging.createTopic',
			(c) =>
				new Messaging(c).createTopic({
					topicId: ID.unique(),
					name: 'n',
					subscribe: [Role.users()],
				}),
		],
		[
			'messaging.createSubscriber',
			(c) =>
				new Messaging(c).createSubscriber({
					topicId: 't',
					subscriberId: ID.unique(),
					targetId: 'x',
				}),
		],
		['messaging.listMessageLogs', (c) => new Messaging(c).listMessageLogs({ messageId: 'm' })],
		['messaging.deleteProvider', (c) => new Messaging(c).deleteProvider({ providerId: 'p' })],
		[
			'storage.createBucket',
			(c) =>
				new Storage(c).createBucket({
					bucketId: ID.unique(),
					name: 'b',
					permissions: [Permission.read(Role.any())],
					fileSecurity: true,
					enabled: true,
					maximumFileSize: 1000,
					allowedFileExtensions: ['png'],
					compression: Compression.Gzip,
					encryption: true,
					antivirus: true,
				}),
		],
		['storage.getFile', (c) => new Storage(c).getFile({ bucketId: 'b', fileId: 'f' })],
		['storage.deleteFile', (c) => new Storage(c).deleteFile({ bucketId: 'b', fileId: 'f' })],
		['storage.listBuckets', (c) => new Storage(c).listBuckets()],
		[
			'tokens.createFileToken',
			(c) => new Tokens(c).createFileToken({ bucketId: 'b', fileId: 'f', expire: future }),
		],
		['tokens.update', (c) => new Tokens(c).update({ tokenId: 't', expire: future })],
		['tokens.delete', (c) => new Tokens(c).delete({ tokenId: 't' })],
		['locale.get', (c) => new Locale(c).get()],
		['locale.listCurrencies', (c) => new Locale(c).listCurrencies()],
		['users.updatePhone', (c) => new Users(c).updatePhone({ userId: 'u', number: '+4930901820' })],
		[
			'users.updatePrefs',
			(c) => new Users(c).updatePrefs({ userId: 'u', prefs: { theme: 'dark' } }),
		],
		['users.updateLabels', (c) => new Users(c).updateLabels({ userId: 'u', labels: ['vip'] })],
		['users.listLogs', (c) => new Users(c).listLogs({ userId: 'u', queries: [Query.limit(5)] })],
	];

	it.each(seedCalls)('seed action %s reaches a spec-valid request', async (_name, call) => {
		const result = await call(client());
		expect(result).toBeTypeOf('object');
		expect(result).not.toBeNull();
	});

	it('latency: 200 sequential users.get calls', async () => {
		const users = new Users(client());
		for (let i = 0; i < 10; i++) await users.get({ userId: 'warm-up' });
		const started = performance.now();
		for (let i = 0; i < 200; i++) await users.get({ userId: `u${i}` });
		const meanMs = (performance.now() - started) / 200;
		console.info(`users.get: ${meanMs.toFixed(2)} ms per request (200 sequential)`);
		expect(meanMs).toBeLessThan(250);
	});
});
