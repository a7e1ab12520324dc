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
	])('%s → %s', (input, expected) => {
		expect(normalizeEndpoint(input)).toBe(expected);
	});

	it('rejects what is not an http(s) URL, naming the value', () => {
		expect(() => normalizeEndpoint('cloud.appwrite.io')).toThrow(/"cloud.appwrite.io" is not a URL/);
		expect(() => normalizeEndpoint('ftp://cloud.appwrite.io')).toThrow(/must start with http:\/\/ or https:\/\//);
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
	});
});
