/**
 * A recording stub that plays a stateful Appwrite (appwrite-fake.ts) for one test file: started
 * once, reset with a fresh fake before each test; routes a test adds with `stub.on` come first.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { AppwriteFake } from './appwrite-fake';
import { StubServer } from './stub-server';

export interface FakeAppwriteStub {
	readonly stub: StubServer;
	readonly fake: AppwriteFake;
	/** The Appwrite API credential pointing at the stub. */
	credentials(): {
		appwriteApi: { endpoint: string; projectId: string; apiKey: string; selfSigned: boolean };
	};
}

export function useFakeAppwriteStub(apiKey: string): FakeAppwriteStub {
	let stub: StubServer | undefined;
	let fake = new AppwriteFake();
	beforeAll(async () => {
		stub = await StubServer.start();
	});
	afterAll(async () => stub?.close());
	beforeEach(() => {
		fake = new AppwriteFake();
		stub?.reset();
		stub?.fallback(
			(request) =>
				fake.handle(request) ?? {
					status: 404,
					json: { message: 'no route', code: 404, type: 'general_route_not_found' },
				},
		);
	});
	return {
		get stub() {
			if (!stub) throw new Error('The stub starts in beforeAll');
			return stub;
		},
		get fake() {
			return fake;
		},
		credentials() {
			return {
				appwriteApi: {
					endpoint: this.stub.endpoint,
					projectId: 'test-project',
					apiKey,
					selfSigned: false,
				},
			};
		},
	};
}
