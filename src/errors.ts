import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { AppwriteException } from 'node-appwrite';

export type NodeError = NodeApiError | NodeOperationError;

/** What a user can do about an Appwrite error, by HTTP status and Appwrite error type. */
function hintFor(code: number, type: string, message: string): string {
	if (code === 401 || code === 403) {
		if (/\(role: guests\)/i.test(message) || type === 'user_unauthorized') {
			return 'Appwrite did not accept the API key: check that the key in the credential belongs to this project and has not expired.';
		}
		if (type === 'general_unauthorized_scope') {
			return 'The API key is valid but lacks the scope named above. Add that scope to the key in the Appwrite console (Overview → Integrations → API keys).';
		}
		if (type === 'project_key_expired') return 'The API key has expired: create a new key in the Appwrite console.';
		return 'Appwrite refused the request: check the API key, its scopes, and whether this service is enabled for the project.';
	}
	if (code === 404) {
		if (type === 'project_not_found') return 'Check the Project ID in the credential.';
		if (type === 'general_route_not_found') {
			return 'The server has no such route: check that the credential endpoint points at an Appwrite API and that the server version has this action.';
		}
		return 'Nothing was found with the given IDs: check the IDs given to this node.';
	}
	if (code === 409) return 'Something with this ID or unique value already exists. Leave the ID empty to have Appwrite generate a unique one.';
	if (code === 429) return 'Appwrite rate-limited the request. Slow the workflow down (for example with batching or a Wait node) or retry later.';
	if (code >= 500) return 'Appwrite had an internal error. Retry later; if it persists, check the Appwrite server logs.';
	if (code === 400) return 'Appwrite rejected the input: check the fields named in the message.';
	return 'Check the node parameters and the credential.';
}

const NETWORK_REASONS: Array<[RegExp, string]> = [
	[/ECONNREFUSED/, 'the connection was refused (is Appwrite running there, and is the port right?)'],
	[/ENOTFOUND|EAI_AGAIN/, 'the host name could not be resolved (check the endpoint for typos)'],
	[/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT/, 'the connection timed out'],
	[/ECONNRESET|UND_ERR_SOCKET|EPIPE/, 'the connection was closed unexpectedly'],
	[
		/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/,
		'the TLS certificate was not accepted (for a self-signed certificate, turn on "Allow Self-Signed Certificates" in the credential)',
	],
];

function describeNetworkFailure(error: Error): string | undefined {
	if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined;
	const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
	const detail = `${cause?.code ?? ''} ${cause?.message ?? ''}`;
	const match = NETWORK_REASONS.find(([pattern]) => pattern.test(detail));
	return match ? match[1] : `the request failed (${cause?.code ?? cause?.message ?? 'no reason given'})`;
}

/**
 * The one place where failures become n8n errors. Only the message, status and Appwrite type of
 * a failure are carried over, so nothing from the request (the API key above all) can leak.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number, endpoint: string): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;

	if (error instanceof AppwriteException) {
		if (!error.code) {
			// node-appwrite checks its own preconditions (e.g. a missing required parameter) before any request.
			return new NodeOperationError(node, error.message, { itemIndex });
		}
		const message = error.message || `Appwrite answered with HTTP ${error.code}`;
		const response: JsonObject = { message, code: error.code, type: error.type ?? '' };
		return new NodeApiError(node, response, {
			message,
			description: `${error.type ? `Appwrite error type: ${error.type}. ` : ''}${hintFor(error.code, error.type ?? '', message)}`,
			httpCode: String(error.code),
			itemIndex,
		});
	}

	if (error instanceof Error) {
		const reason = describeNetworkFailure(error);
		if (reason) {
			return new NodeOperationError(node, `Could not reach Appwrite at ${endpoint}: ${reason}`, {
				itemIndex,
				description: 'Check the API Endpoint in the credential and that this machine can reach it.',
			});
		}
		return new NodeOperationError(node, error.message, { itemIndex });
	}
	return new NodeOperationError(node, String(error), { itemIndex });
}

/** The JSON of the item that Continue On Fail puts in place of a failed item. */
export function errorItemJson(error: NodeError): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError) {
		const response = error.errorResponse as JsonObject | undefined;
		if (error.httpCode) json.httpCode = error.httpCode;
		if (response?.type) json.type = response.type;
	}
	return json;
}
