import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Client } from 'node-appwrite';

import { createAppwriteClient, normalizeEndpoint } from './client';
import type { NodeError } from './errors';
import { toNodeError } from './errors';
import type { AppwriteCredentials } from './types';

/** What every n8n context that may read the node's credential offers (hooks, polls, list searches). */
export interface CredentialContext {
	getNode(): INode;
	getCredentials<T extends object>(type: string): Promise<T>;
}

export interface Connection<S> {
	service: S;
	/** The n8n error for a failed call to `service`: Appwrite's status, type and message, never the key. */
	fail(error: unknown): NodeError;
}

/**
 * A node-appwrite service on the node's Appwrite credential, for the code that runs outside the
 * item loop: trigger lifecycles, polls and the editor's list searches.
 */
export async function connect<S>(
	context: CredentialContext,
	Service: new (client: Client) => S,
): Promise<Connection<S>> {
	const credentials = await context.getCredentials<AppwriteCredentials>('appwriteApi');
	let endpoint: string;
	try {
		endpoint = normalizeEndpoint(credentials.endpoint);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message, {
			description: 'Check the API Endpoint in the Appwrite credential.',
		});
	}
	return {
		service: new Service(createAppwriteClient(credentials)),
		fail: (error) => toNodeError(context.getNode(), error, 0, endpoint),
	};
}
