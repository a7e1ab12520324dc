import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { AppwriteException, Health } from 'node-appwrite';

import { createAppwriteClient, normalizeEndpoint } from './client';
import type { AppwriteCredentials } from './types';

function explain(error: unknown, endpoint: string): string {
	if (error instanceof AppwriteException) {
		if (error.type === 'project_not_found') return `No project with this Project ID exists at ${endpoint}.`;
		if (error.code === 401 && /\(role: guests\)/i.test(error.message)) {
			return 'Appwrite did not recognise the API key: check that it belongs to this project and has not expired.';
		}
		if (error.type === 'project_key_expired') return 'The API key has expired: create a new one in the Appwrite console.';
		if (error.code === 404) return `${endpoint} answered, but not like an Appwrite API: check the endpoint (it usually ends in /v1).`;
		return `Appwrite refused the check (HTTP ${error.code}${error.type ? `, ${error.type}` : ''}): ${error.message}`;
	}
	const cause = (error as { cause?: { code?: string } }).cause;
	if (cause?.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause.code)) {
		return `The TLS certificate of ${endpoint} was not accepted (${cause.code}). For a self-signed certificate, turn on "Allow Self-Signed Certificates".`;
	}
	return `Could not reach ${endpoint}${cause?.code ? ` (${cause.code})` : ''}: check the API endpoint.`;
}

/**
 * Every valid server key holds the `health.read` scope whatever scopes it was given, while an unknown
 * key counts as a guest, who lacks it: one call proves endpoint, project and key together.
 */
export async function testAppwriteCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data as unknown as AppwriteCredentials;
	let endpoint = String(data?.endpoint ?? '');
	try {
		endpoint = normalizeEndpoint(endpoint);
		await new Health(createAppwriteClient(data)).get();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		if (!(error instanceof AppwriteException) && !(error as { cause?: unknown }).cause && error instanceof Error) {
			return { status: 'Error', message: error.message };
		}
		return { status: 'Error', message: explain(error, endpoint) };
	}
}
