import { describe, expect, it } from 'vitest';

import { createAppwriteClient, normalizeEndpoint } from '../../src/client';

describe('normalizeEndpoint', () => {
	it.each([
		['https://cloud.appwrite.io/v1', 'https://cloud.appwrite.io/v1'],
		['https://cloud.appwrite.io/v1/', 'https://cloud.appwrite.io/v1'],
		['https://cloud.appwrite.io', 'https://cloud.appwrite.io/v1'],
		['https://cloud.appwrite.io/', 'https://cloud.appwrite.io/v1'],
		['  http://localhost:8080//  ', 'http://localhost:8080/v1'],
		['https://example.com/appwrite/v1', 'https://example.com/appwrite/v1'],
		['https://example.com/appwrite', 'https://example.com/appwrite/v1'],
		['HTTPS://Appwrite.Example.COM/V1', 'https://appwrite.example.com/v1'],
	])('%s → %s', (input, expected) => {
		expect(normalizeEndpoint(input)).toBe(expected);
	});

	it('rejects what is not an http(s) URL, naming the value', () => {
		expect(() => normalizeEndpoint('cloud.appwrite.io')).toThrow(
			/"cloud.appwrite.io" is not a URL/,
		);
		expect(() => normalizeEndpoint('ftp://cloud.appwrite.io')).toThrow(
			/must start with http:\/\/ or https:\/\//,
		);
	});

	it.each([
		['http://secret-key@appwrite.example.com/v1', /must not contain a user name or password/],
		['https://user:secret-key@appwrite.example.com', /must not contain a user name or password/],
		['secret-key@appwrite.example.com', /^The API endpoint is not a URL/],
		['https://appwrite.example.com/v1?key=secret-key', /must not contain a query string/],
		['https://appwrite.example.com/v1#secret-key', /or a fragment/],
		['https://appwrite.example.com/v1?', /must not contain a query string/],
	])('refuses %s without repeating the secret', (endpoint, message) => {
		expect(() => normalizeEndpoint(endpoint)).toThrow(message);
		expect(() => normalizeEndpoint(endpoint)).not.toThrow(/secret-key/);
	});
});

describe('createAppwriteClient', () => {
	it('sets endpoint, project, key and the self-signed option', () => {
		const client = createAppwriteClient({
			endpoint: 'https://appwrite.example.com/',
			projectId: 'proj',
			apiKey: 'secret-key',
			selfSigned: true,
		});
		expect(client.config.endpoint).toBe('https://appwrite.example.com/v1');
		expect(client.config.project).toBe('proj');
		expect(client.config.key).toBe('secret-key');
		expect(client.config.selfSigned).toBe(true);
		client.close();
	});
});
