import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { AppwriteException } from 'node-appwrite';
import { describe, expect, it } from 'vitest';

import type { TransportProblem } from '../../src/errors';
import {
	AppwriteApiError,
	errorItemJson,
	explain,
	PartialProgressError,
	toNodeError,
	TransportError,
} from '../../src/errors';

const node: INode = {
	id: '1',
	name: 'Appwrite Users',
	type: 'n8n-nodes-appwrite-suite.appwriteUsers',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const endpoint = 'https://appwrite.example.com/v1';

function failed(
	problem: TransportProblem,
	request = 'POST /v1/users',
	maybeApplied = false,
): TransportError {
	return new TransportError(problem, request, maybeApplied);
}

describe('toNodeError with Appwrite answers', () => {
	it.each([
		[
			401,
			'general_unauthorized_scope',
			'app.x@service.y (role: applications) missing scope (users.read)',
			/lacks the scope/,
		],
		[
			401,
			'general_unauthorized_scope',
			'User (role: guests) missing scope (users.read)',
			/did not recognise the API key/,
		],
		[403, 'general_access_forbidden', 'Forbidden', /refused the request/],
		[404, 'user_not_found', 'User with the requested ID could not be found.', /check the IDs/],
		[
			404,
			'project_not_found',
			'Project not found',
			/No project with this Project ID exists at https:\/\/appwrite\.example\.com\/v1/,
		],
		[404, 'general_route_not_found', 'Route not found', /answered, but not like an Appwrite API/],
		[409, 'user_already_exists', 'A user with the same id already exists.', /already exists/],
		[
			429,
			'general_rate_limit_exceeded',
			'Rate limit for the current endpoint has been exceeded.',
			/rate-limited/,
		],
		[500, 'general_unknown', 'Server Error', /internal error/],
	])(
		'maps HTTP %i %s to a NodeApiError with status, type and hint',
		(code, type, message, hint) => {
			const error = toNodeError(
				node,
				new AppwriteException(message, code, type, '{}'),
				2,
				endpoint,
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(message);
			expect((error as NodeApiError).httpCode).toBe(String(code));
			expect(error.description).toContain(type);
			expect(error.description).toMatch(hint);
			expect(error.context.itemIndex).toBe(2);
			expect(errorItemJson(error)).toMatchObject({ error: message, httpCode: String(code), type });
		},
	);

	it('shows Retry-After when Appwrite sends it', () => {
		const error = toNodeError(
			node,
			new AppwriteApiError('Rate limit exceeded.', 429, 'general_rate_limit_exceeded', '30'),
			0,
			endpoint,
		);
		expect(error.message).toBe('Rate limit exceeded. Retry after 30 s.');
	});

	it('keeps errors node-appwrite raises before any request as operation errors', () => {
		const error = toNodeError(
			node,
			new AppwriteException('Missing required parameter: "userId"'),
			0,
			endpoint,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('userId');
	});

	it('never carries anything but message, status and type over from Appwrite', () => {
		const raw = new AppwriteException(
			'Invalid',
			400,
			'general_argument_invalid',
			'{"secret":"abc"}',
		);
		const error = toNodeError(node, raw, 0, endpoint) as NodeApiError;
		expect(JSON.stringify(error.errorResponse)).not.toContain('secret');
		expect(error.errorResponse).toEqual({
			message: 'Invalid',
			code: 400,
			type: 'general_argument_invalid',
		});
	});
});

describe('explain, for failures without an Appwrite answer', () => {
	it.each([
		['ECONNREFUSED', /connection was refused/],
		['ENOTFOUND', /could not be resolved/],
		['ETIMEDOUT', /timed out/],
		['DEPTH_ZERO_SELF_SIGNED_CERT', /Allow Self-Signed Certificates/],
		['ECONNRESET', /closed unexpectedly/],
		['HPE_INVALID_CONSTANT', /not valid HTTP/],
	])('a connection failure (%s) names the endpoint and the reason', (code, reason) => {
		const error = toNodeError(
			node,
			failed({ kind: 'network', phase: 'connect', code }),
			0,
			endpoint,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`Could not reach Appwrite at ${endpoint}: `);
		expect(error.message).toMatch(reason);
	});

	it('a timeout names the seconds, the request, and whether a write may have been applied', () => {
		expect(
			explain(
				failed({ kind: 'timeout', phase: 'answer', seconds: 2 }, 'POST /v1/users', true),
				endpoint,
			).message,
		).toBe(
			'The request timed out after 2 s with no answer from Appwrite to POST /v1/users; the write may or may not have been applied',
		);
		expect(
			explain(failed({ kind: 'timeout', phase: 'body', seconds: 2 }, 'GET /v1/users'), endpoint)
				.message,
		).toBe("The request timed out after 2 s: Appwrite's answer to GET /v1/users stopped arriving");
		expect(
			explain(failed({ kind: 'timeout', phase: 'connect', seconds: 2 }), endpoint).message,
		).toMatch(/no connection within 2 s, nothing was sent/);
	});

	it('a redirect says where it leads and which endpoint to use', () => {
		const explanation = explain(
			failed({
				kind: 'redirect',
				status: 301,
				location: 'https://appwrite.example.com/v1/users',
				endpoint: 'https://appwrite.example.com/v1',
			}),
			endpoint,
		);
		expect(explanation.message).toMatch(
			/^The API endpoint redirects POST \/v1\/users to https:\/\/appwrite\.example\.com\/v1\/users \(HTTP 301\)/,
		);
		expect(explanation.description).toBe(
			'Set the API Endpoint in the credential to https://appwrite.example.com/v1.',
		);
	});

	it('a gateway page says a proxy answered, with its title and Retry-After', () => {
		const error = toNodeError(
			node,
			failed(
				{
					kind: 'answer',
					reason: 'notJson',
					status: 502,
					contentType: 'text/html',
					excerpt: '502 Bad Gateway',
					retryAfter: '10',
				},
				'GET /v1/users',
			),
			0,
			endpoint,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'A proxy or gateway in front of Appwrite answered GET /v1/users with HTTP 502 (Bad Gateway): "502 Bad Gateway". Retry after 10 s.',
		);
		expect(error.description).toMatch(/^HTTP 502, content type text\/html\./);
		expect((error as NodeApiError).httpCode).toBe('502');
	});

	it('a success that is not Appwrite JSON fails, naming status, content type and excerpt', () => {
		const explanation = explain(
			failed(
				{
					kind: 'answer',
					reason: 'notJson',
					status: 200,
					contentType: 'text/html',
					excerpt: 'Sign in',
				},
				'POST /v1/users',
				true,
			),
			endpoint,
		);
		expect(explanation.message).toBe(
			`Appwrite's endpoint answered POST /v1/users with HTTP 200 with text/html instead of JSON: "Sign in"; the write may or may not have been applied`,
		);
	});

	it('partial progress names what was applied after the reason', () => {
		const error = new PartialProgressError(
			new AppwriteException('Invalid labels.', 400, 'general_argument_invalid'),
			'Already applied before this failure: create.',
		);
		expect(explain(error, endpoint).message).toBe(
			'Invalid labels. Already applied before this failure: create.',
		);
		expect(toNodeError(node, error, 0, endpoint)).toBeInstanceOf(NodeApiError);
	});

	it('never says [object Object], whatever was thrown', () => {
		expect(explain({ reason: 'odd' }, endpoint).message).toBe('{"reason":"odd"}');
		expect(explain(undefined, endpoint).message).toBe('undefined');
		expect(explain(new Error(''), endpoint).message).toBe('Error');
	});
});
