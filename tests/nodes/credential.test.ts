import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeType } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadPackage } from '../support/engine';
import { refusedEndpoint, StubServer } from '../support/stub-server';

let stub: StubServer;
let credentialTest: (
	credential: ICredentialsDecrypted,
) => Promise<{ status: string; message: string }>;
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
	return credentialTest({
		id: '1',
		name: 'Appwrite',
		type: 'appwriteApi',
		data: { endpoint, projectId: 'test-project', apiKey, selfSigned: false },
	});
}

describe('the credential test the nodes offer n8n', () => {
	it('passes when the key is accepted, calling the scope-free health check with project and key', async () => {
		stub.on('GET', '/v1/health', { json: { name: 'http', ping: 1, status: 'pass' } });
		expect(await check(stub.endpoint.replace(/\/v1$/, '/'))).toEqual({
			status: 'OK',
			message: 'Connection successful',
		});
		expect(stub.requests[0].path).toBe('/v1/health');
		expect(stub.requests[0].headers['x-appwrite-project']).toBe('test-project');
		expect(stub.requests[0].headers['x-appwrite-key']).toBe(API_KEY);
	});

	it('says the key was not recognised when Appwrite treats the caller as a guest', async () => {
		stub.error(
			'GET',
			'/v1/health',
			401,
			'general_unauthorized_scope',
			'User (role: guests) missing scope (health.read)',
		);
		const result = await check(stub.endpoint, 'wrong-key');
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'User (role: guests) missing scope (health.read). Appwrite error type: general_unauthorized_scope. Appwrite did not recognise the API key: check that it belongs to this project and has not expired.',
		);
	});

	it('names a wrong project ID', async () => {
		stub.error(
			'GET',
			'/v1/health',
			404,
			'project_not_found',
			'Project with the requested ID could not be found.',
		);
		expect((await check(stub.endpoint)).message).toContain(
			`No project with this Project ID exists at ${stub.endpoint}: check the Project ID in the credential.`,
		);
	});

	it('says when the endpoint is not an Appwrite API', async () => {
		expect((await check(stub.endpoint)).message).toMatch(/answered, but not like an Appwrite API/);
	});

	it('says when nothing answers, without the key', async () => {
		const endpoint = await refusedEndpoint();
		const result = await check(endpoint);
		expect(result).toEqual({
			status: 'Error',
			message: `Could not reach Appwrite at ${endpoint}: the connection was refused (is Appwrite running there, and is the port right?). Error code: ECONNREFUSED. Check the API Endpoint in the credential and that this machine can reach it.`,
		});
	});

	it('rejects an endpoint that is not a URL', async () => {
		expect((await check('appwrite.example.com')).message).toMatch(/is not a URL/);
	});

	it('fails on a page that is not Appwrite, such as the console or a login page, naming its title', async () => {
		stub.on('GET', '/v1/health', {
			body: '<!doctype html><html><head><title>Sign in – Example SSO</title></head><body>…</body></html>',
			headers: { 'content-type': 'text/html; charset=utf-8' },
		});
		const result = await check(stub.endpoint);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^Appwrite's endpoint answered GET \/v1\/health with HTTP 200 with text\/html instead of JSON: "Sign in – Example SSO"\. HTTP 200, content type text\/html\./,
		);
	});

	it('fails on JSON that is not the health status', async () => {
		stub.on('GET', '/v1/health', { json: { ok: true } });
		const result = await check(stub.endpoint);
		expect(result).toEqual({
			status: 'Error',
			message: `${stub.endpoint} answered the health check, but not with Appwrite's health status: check the API Endpoint (it usually ends in /v1).`,
		});
	});

	it('refuses an endpoint carrying the key, without repeating it and without a request', async () => {
		const result = await check(stub.endpoint.replace('http://', `http://${API_KEY}@`));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/must not contain a user name or password/);
		expect(result.message).not.toContain(API_KEY);
		expect(stub.requests).toHaveLength(0);
	});
});
