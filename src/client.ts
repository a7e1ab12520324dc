import { Client } from 'node-appwrite';

import type { AppwriteCredentials } from './types';

/**
 * Appwrite shows endpoints as `https://host/v1`, but users paste them with or without `/v1` and
 * trailing slashes; node-appwrite appends paths verbatim, so settle on exactly one form.
 */
export function normalizeEndpoint(raw: string): string {
	const trimmed = (raw ?? '').trim().replace(/\/+$/, '');
	if (!URL.canParse(trimmed)) {
		throw new Error(
			`The API endpoint "${trimmed}" is not a URL. Use the address shown in the Appwrite console, e.g. https://cloud.appwrite.io/v1`,
		);
	}
	const url = new URL(trimmed);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new Error(`The API endpoint must start with http:// or https://, not ${url.protocol}//`);
	}
	const withoutVersion = trimmed.replace(/\/v1$/i, '');
	return `${withoutVersion}/v1`;
}

export function createAppwriteClient(credentials: AppwriteCredentials): Client {
	const client = new Client()
		.setEndpoint(normalizeEndpoint(credentials.endpoint))
		.setProject(credentials.projectId)
		.setKey(credentials.apiKey);
	if (credentials.selfSigned) client.setSelfSigned(true);
	return client;
}
