import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeType } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadPackage } from '../support/engine';
import { refusedEndpoint, StubServer } from '../support/stub-server';

let stub: StubServer;
let credentialTest: (credential: ICredentialsDecrypted) => Promise<{ status: string; message: string }>;
const API_KEY = 'standard_secret_api_key_123';

beforeAll(async () => {
	stub = await StubServer.start();
	const loader = await loadPackage();
	const node = loader.getNode('appwriteUsers').type as INodeType;
	const [declared] = node.description.credentials ?? [];
	const test = node.methods?.credentialTest?.[declared.testedBy as string];
	if (!test) throw new Error('the node declares no credential test');
	credentialTest = (credential) => test.call({} as ICredentialTestFunctions, credential) as never;
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

function check(endpoint: string, apiKey = API_KEY) {
	return credentialTest({ id: '1', name: 'Appwrite', type: 'appwriteApi', data: { endpoint, projectId: 'test-project', apiKey, selfSigned: false } });
}

describe('the credential test the nodes offer n8n', () => {
	it('passes when the key is accepted, calling the scope-free health check with project and key', async () => {
		stub.on('GET', '/v1/health', { json: { name: 'http', ping: 1, status: 'pass' } });
		expect(await check(stub.endpoint.replace(/\/v1$/, '/'))).toEqual({ status: 'OK', message: 'Connection successful' });
		expect(stub.requests[0].path).toBe('/v1/health');
		expect(stub.requests[0].headers['x-appwrite-project']).toBe('test-project');
		expect(stub.requests[0].headers['x-appwrite-key']).toBe(API_KEY);
	});

	it('says the key was not recognised when Appwrite treats the caller as a guest', async () => {
		stub.error('GET', '/v1/health', 401, 'general_unauthorized_scope', 'User (role: guests) missing scope (health.read)');
		const result = await check(stub.endpoint, 'wrong-key');
		expect(result.status).toBe('Error');
		expect(result.message).toBe('Appwrite did not recognise the API key: check that it belongs to this project and has not expired.');
	});

	it('names a wrong project ID', async () => {
		stub.error('GET', '/v1/health', 404, 'project_not_found', 'Project with the requested ID could not be found.');
		expect((await check(stub.endpoint)).message).toBe(`No project with this Project ID exists at ${stub.endpoint}.`);
	});

	it('says when the endpoint is not an Appwrite API', async () => {
		expect((await check(stub.endpoint)).message).toMatch(/answered, but not like an Appwrite API/);
	});

	it('says when nothing answers, without the key', async () => {
		const endpoint = await refusedEndpoint();
		const result = await check(endpoint);
		expect(result).toEqual({ status: 'Error', message: `Could not reach ${endpoint} (ECONNREFUSED): check the API endpoint.` });
	});

	it('rejects an endpoint that is not a URL', async () => {
		expect((await check('appwrite.example.com')).message).toMatch(/is not a URL/);
	});
});
