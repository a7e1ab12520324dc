import { AppwriteTransport } from './transport';
import type { AppwriteCredentials } from './types';

export const DEFAULT_TIMEOUT_SECONDS = 60;

const EXAMPLE = 'Use the address shown in the Appwrite console, e.g. https://cloud.appwrite.io/v1';

/**
 * Appwrite shows endpoints as `https://host/v1`, but users paste them with or without `/v1`, with
 * trailing slashes and in any case; node-appwrite appends paths verbatim, so settle on one form.
 * Nothing that may hold a secret (user info, query, fragment) is accepted or repeated back.
 */
export function normalizeEndpoint(raw: string): string {
	const trimmed = String(raw ?? '').trim();
	if (!URL.canParse(trimmed)) {
		const shown = trimmed.includes('@') ? '' : ` "${trimmed}"`;
		throw new Error(`The API endpoint${shown} is not a URL. ${EXAMPLE}`);
	}
	const url = new URL(trimmed);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new Error(`The API endpoint must start with http:// or https://, not ${url.protocol}//`);
	}
	if (url.username || url.password) {
		throw new Error(
			'The API endpoint must not contain a user name or password (the part before "@"): remove it, and put the API key in the API Key field',
		);
	}
	if (/[?#]/.test(trimmed))
		throw new Error(
			`The API endpoint must not contain a query string (?…) or a fragment (#…). ${EXAMPLE}`,
		);
	const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/i, '');
	return `${url.protocol}//${url.host}${path}/v1`;
}

/** The client every node and the credential test use: node-appwrite's Client on the runtime's own transport. */
export function createAppwriteClient(
	credentials: AppwriteCredentials,
	signal?: AbortSignal,
): AppwriteTransport {
	const timeout = Number(credentials.timeout);
	return new AppwriteTransport({
		endpoint: normalizeEndpoint(credentials.endpoint),
		projectId: credentials.projectId,
		apiKey: credentials.apiKey,
		selfSigned: Boolean(credentials.selfSigned),
		timeoutSeconds: timeout > 0 ? timeout : DEFAULT_TIMEOUT_SECONDS,
		signal,
	});
}
