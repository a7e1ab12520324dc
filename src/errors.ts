import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { AppwriteException } from 'node-appwrite';

export type NodeError = NodeApiError | NodeOperationError;

/** Where an exchange was when it failed: before the connection, waiting for the answer, or reading it. */
export type Phase = 'connect' | 'answer' | 'body';

/** What the transport could tell about a failed request, without anything it sent. */
export type TransportProblem =
	| { kind: 'timeout'; phase: Phase; seconds: number }
	| { kind: 'network'; phase: Phase; code: string }
	| { kind: 'cancelled' }
	| { kind: 'redirect'; status: number; location: string; endpoint?: string }
	| {
			kind: 'answer';
			reason: 'notJson' | 'empty' | 'malformed' | 'tooLarge';
			status: number;
			contentType: string;
			excerpt: string;
			retryAfter?: string;
	  };

/** A request that got no usable answer. `request` is `METHOD /path`, never the query or a header. */
export class TransportError extends Error {
	constructor(
		readonly problem: TransportProblem,
		readonly request: string,
		/** The request may have reached Appwrite and changed something. */
		readonly maybeApplied: boolean,
	) {
		super(`${problem.kind} failure of ${request}`);
	}
}

/** An error answer in Appwrite's own JSON shape. */
export class AppwriteApiError extends AppwriteException {
	constructor(
		message: string,
		code: number,
		type: string,
		readonly retryAfter?: string,
	) {
		super(message, code, type);
	}
}

/** A failure after part of the work was done: `applied` says what, so nobody is left guessing. */
export class PartialProgressError extends Error {
	constructor(
		readonly cause: unknown,
		readonly applied: string,
	) {
		super(applied);
	}
}

/** The failure under any partial-progress wrapper, e.g. to tell whether Appwrite answered 409. */
export function rootCause(error: unknown): unknown {
	return error instanceof PartialProgressError ? rootCause(error.cause) : error;
}

/** Whether a failure leaves open that the request changed something in Appwrite. */
export function maybeApplied(error: unknown): boolean {
	const cause = rootCause(error);
	return cause instanceof TransportError && cause.maybeApplied;
}

const MAX_MESSAGE = 300;

export function capText(text: string, length = MAX_MESSAGE): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** What a user can do about an Appwrite error, by HTTP status and Appwrite error type. */
function hintFor(code: number, type: string, message: string, endpoint: string): string {
	if (code === 401 || code === 403) {
		if (/\(role: guests\)/i.test(message) || type === 'user_unauthorized') {
			return 'Appwrite did not recognise the API key: check that it belongs to this project and has not expired.';
		}
		if (type === 'general_unauthorized_scope') {
			return 'The API key is valid but lacks the scope named above. Add that scope to the key in the Appwrite console (Overview → Integrations → API keys).';
		}
		if (type === 'project_key_expired')
			return 'The API key has expired: create a new key in the Appwrite console.';
		return 'Appwrite refused the request: check the API key, its scopes, and whether this service is enabled for the project.';
	}
	if (code === 404) {
		if (type === 'project_not_found')
			return `No project with this Project ID exists at ${endpoint}: check the Project ID in the credential.`;
		if (type === 'general_route_not_found') {
			return `${endpoint} answered, but not like an Appwrite API that has this action: check the API Endpoint in the credential (it usually ends in /v1) and the server's version.`;
		}
		return 'Nothing was found with the given IDs: check the IDs given to this node.';
	}
	if (code === 409)
		return 'Something with this ID or unique value already exists. Leave the ID empty to have Appwrite generate a unique one.';
	if (code === 429)
		return 'Appwrite rate-limited the request. Slow the workflow down (for example with batching or a Wait node) or retry later.';
	if (code >= 500)
		return 'Appwrite had an internal error. Retry later; if it persists, check the Appwrite server logs.';
	if (code === 400) return 'Appwrite rejected the input: check the fields named in the message.';
	return 'Check the node parameters and the credential.';
}

const NETWORK_REASONS: Array<[RegExp, string]> = [
	[
		/ECONNREFUSED/,
		'the connection was refused (is Appwrite running there, and is the port right?)',
	],
	[/ENOTFOUND|EAI_AGAIN/, 'the host name could not be resolved (check the endpoint for typos)'],
	[/EHOSTUNREACH|ENETUNREACH/, 'the host cannot be reached from this machine'],
	[/ETIMEDOUT/, 'the connection timed out'],
	[/ECONNRESET|EPIPE|ERR_STREAM_PREMATURE_CLOSE/, 'the connection was closed unexpectedly'],
	[
		/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/,
		'the TLS certificate was not accepted (for a self-signed certificate, turn on "Allow Self-Signed Certificates" in the credential)',
	],
	[/^HPE_/, 'the answer was not valid HTTP'],
];

function networkReason(code: string): string {
	return NETWORK_REASONS.find(([pattern]) => pattern.test(code))?.[1] ?? 'the request failed';
}

const STATUS_TEXT: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/** `Retry-After` is seconds or an HTTP date. */
function retrySentence(retryAfter: string | undefined): string {
	if (!retryAfter) return '';
	return /^\d+$/.test(retryAfter) ? ` Retry after ${retryAfter} s.` : ` Retry after ${retryAfter}.`;
}

/** What happened, what to do, and the HTTP facts, for an n8n error or a credential-test message. */
export interface Explanation {
	message: string;
	/** What to do about it; details such as the content type come first. */
	description: string;
	/** Set when an HTTP answer came back. */
	httpCode?: string;
	type?: string;
}

const MAYBE_APPLIED = '; the write may or may not have been applied';
const CHECK_WRITE = ' Before repeating a write, check whether it was applied.';
const CHECK_ENDPOINT =
	'Check the API Endpoint in the credential and that this machine can reach it.';

function explainTransport(error: TransportError, endpoint: string): Explanation {
	const { problem, request } = error;
	const applied = error.maybeApplied ? MAYBE_APPLIED : '';
	const check = error.maybeApplied ? CHECK_WRITE : '';
	switch (problem.kind) {
		case 'timeout':
			if (problem.phase === 'connect') {
				return {
					message: `Could not reach Appwrite at ${endpoint}: no connection within ${problem.seconds} s, nothing was sent`,
					description: `${CHECK_ENDPOINT} Raise the Timeout in the credential if the server is slow to accept connections.`,
				};
			}
			return {
				message:
					problem.phase === 'answer'
						? `The request timed out after ${problem.seconds} s with no answer from Appwrite to ${request}${applied}`
						: `The request timed out after ${problem.seconds} s: Appwrite's answer to ${request} stopped arriving${applied}`,
				description: `Check that Appwrite and any proxy in front of it are answering, or raise the Timeout in the Appwrite credential for slow operations.${check}`,
			};
		case 'network': {
			// n8n swaps a message naming an error code such as ECONNRESET for a generic one, so codes go in the description.
			const code = `Error code: ${problem.code}.`;
			if (problem.phase === 'connect') {
				return {
					message: `Could not reach Appwrite at ${endpoint}: ${networkReason(problem.code)}`,
					description: `${code} ${CHECK_ENDPOINT}`,
				};
			}
			return {
				message:
					problem.phase === 'answer'
						? `The connection to Appwrite closed before the answer to ${request} arrived${applied}`
						: `The connection to Appwrite closed while the answer to ${request} was arriving${applied}`,
				description: `${code} Appwrite or a proxy in front of it dropped the connection: check their logs and retry.${check}`,
			};
		}
		case 'cancelled':
			return {
				message: `The execution was cancelled while waiting for Appwrite's answer to ${request}${applied}`,
				description: check.trim(),
			};
		case 'redirect':
			return {
				message: `The API endpoint redirects ${request} to ${problem.location} (HTTP ${problem.status}); the node does not follow redirects for writes or to another address, so nothing was sent there`,
				description: problem.endpoint
					? `Set the API Endpoint in the credential to ${problem.endpoint}.`
					: 'Set the API Endpoint in the credential to the address the server redirects to.',
				httpCode: String(problem.status),
			};
		case 'answer':
			return explainAnswer(problem, request, applied, check);
	}
}

function explainAnswer(
	problem: Extract<TransportProblem, { kind: 'answer' }>,
	request: string,
	applied: string,
	check: string,
): Explanation {
	const { status, contentType, excerpt, reason } = problem;
	const shown = excerpt ? `: "${excerpt}"` : '';
	const facts = `HTTP ${status}, content type ${contentType || 'none'}.`;
	const retry = retrySentence(problem.retryAfter);
	const httpCode = String(status);
	if (status >= 500 && reason === 'notJson') {
		return {
			message: `A proxy or gateway in front of Appwrite answered ${request} with HTTP ${status}${STATUS_TEXT[status] ? ` (${STATUS_TEXT[status]})` : ''}${shown}${applied}.${retry}`,
			description: `${facts} Appwrite itself answers in JSON, so it may be down, restarting or unreachable from the proxy: retry later or check the proxy.${check}`,
			httpCode,
		};
	}
	if (status >= 300) {
		return {
			message: `The server answered ${request} with HTTP ${status} and ${contentType || 'no content type'}, not with Appwrite's JSON${shown}.${retry}`,
			description: `${facts} Something other than Appwrite answered: check the API Endpoint in the credential (it usually ends in /v1) and any proxy or login page in front of Appwrite.`,
			httpCode,
		};
	}
	const what = {
		notJson: `with ${contentType || 'no content type'} instead of JSON${shown}`,
		empty: 'with an empty body where JSON was expected',
		malformed: `with JSON that cannot be read${shown}`,
		tooLarge: `with more data than the node reads (${excerpt})`,
	}[reason];
	return {
		message: `Appwrite's endpoint answered ${request} with HTTP ${status} ${what}${applied}`,
		description: `${facts} This is not an Appwrite answer: check that the API Endpoint in the credential is the API address (usually ending in /v1), not the console or a login page in front of it.${check}`,
		httpCode,
	};
}

/**
 * The one place that turns any failure into words, for node errors and the credential test alike.
 * Only the message, status and Appwrite type of an answer are carried over, so nothing from the
 * request (the API key above all) can leak.
 */
export function explain(error: unknown, endpoint: string): Explanation {
	if (error instanceof PartialProgressError) {
		const inner = explain(error.cause, endpoint);
		return {
			...inner,
			message: capText(`${inner.message.replace(/\.$/, '')}. ${error.applied}`, 2 * MAX_MESSAGE),
		};
	}
	if (error instanceof TransportError) return explainTransport(error, endpoint);
	if (error instanceof AppwriteException) {
		if (!error.code) return { message: error.message, description: '' };
		const message = capText(error.message || `Appwrite answered with HTTP ${error.code}`);
		const retry = retrySentence(error instanceof AppwriteApiError ? error.retryAfter : undefined);
		return {
			message: `${message}${retry}`,
			description: `${error.type ? `Appwrite error type: ${error.type}. ` : ''}${hintFor(error.code, error.type ?? '', message, endpoint)}`,
			httpCode: String(error.code),
			type: error.type ?? '',
		};
	}
	if (error instanceof Error)
		return { message: capText(error.message || error.name), description: '' };
	return {
		message: capText(
			typeof error === 'object' ? (JSON.stringify(error) ?? 'Unknown error') : String(error),
		),
		description: '',
	};
}

export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	endpoint: string,
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const { message, description, httpCode, type } = explain(error, endpoint);
	const options = { message, description: description || undefined, itemIndex };
	if (httpCode === undefined) return new NodeOperationError(node, message, options);
	const response: JsonObject = { message, code: Number(httpCode), type: type ?? '' };
	return new NodeApiError(node, response, { ...options, httpCode });
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
