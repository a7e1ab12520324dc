import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { Health } from 'node-appwrite';

import { createAppwriteClient, normalizeEndpoint } from './client';
import { explain } from './errors';
import type { AppwriteTransport } from './transport';
import type { AppwriteCredentials } from './types';

/** Appwrite's health answer is `{ name, ping, status }`; anything else came from another server. */
function isHealthStatus(answer: unknown): boolean {
	const health = answer as Record<string, unknown> | null;
	return typeof health?.status === 'string' && typeof health.ping === 'number';
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
	let client: AppwriteTransport | undefined;
	let endpoint = '';
	try {
		endpoint = normalizeEndpoint(data?.endpoint);
		client = createAppwriteClient(data);
		if (!isHealthStatus(await new Health(client).get())) {
			return {
				status: 'Error',
				message: `${endpoint} answered the health check, but not with Appwrite's health status: check the API Endpoint (it usually ends in /v1).`,
			};
		}
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		const { message, description } = explain(error, endpoint);
		return {
			status: 'Error',
			message: description ? `${message.replace(/\.?$/, '.')} ${description}` : message,
		};
	} finally {
		client?.close();
	}
}
