import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { AppwriteException } from 'node-appwrite';
import { describe, expect, it } from 'vitest';

import { errorItemJson, toNodeError } from '../../src/errors';

const node: INode = {
	id: '1',
	name: 'Appwrite Users',
	type: 'n8n-nodes-appwrite-suite.appwriteUsers',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const endpoint = 'https://appwrite.example.com/v1';

function fetchFailed(code: string): TypeError {
	return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
}

describe('toNodeError', () => {
	it.each([
		[401, 'general_unauthorized_scope', 'app.x@service.y (role: applications) missing scope (users.read)', /lacks the scope/],
		[401, 'general_unauthorized_scope', 'User (role: guests) missing scope (users.read)', /did not accept the API key/],
		[403, 'general_access_forbidden', 'Forbidden', /refused the request/],
		[404, 'user_not_found', 'User with the requested ID could not be found.', /check the IDs/],
		[404, 'project_not_found', 'Project not found', /Project ID/],
		[409, 'user_already_exists', 'A user with the same id already exists.', /already exists/],
		[429, 'general_rate_limit_exceeded', 'Rate limit for the current endpoint has been exceeded.', /rate-limited/],
		[500, 'general_unknown', 'Server Error', /internal error/],
	])('maps HTTP %i %s to a NodeApiError with status, type and hint', (code, type, message, hint) => {
		const error = toNodeError(node, new AppwriteException(message, code, type, '{}'), 2, endpoint);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(message);
		expect((error as NodeApiError).httpCode).toBe(String(code));
		expect(error.description).toContain(type);
		expect(error.description).toMatch(hint);
		expect(error.context.itemIndex).toBe(2);
		expect(errorItemJson(error)).toMatchObject({ error: message, httpCode: String(code), type });
	});

	it('keeps errors node-appwrite raises before any request as operation errors', () => {
		const error = toNodeError(node, new AppwriteException('Missing required parameter: "userId"'), 0, endpoint);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('userId');
	});

	it.each([
		['ECONNREFUSED', /connection was refused/],
		['ENOTFOUND', /could not be resolved/],
		['UND_ERR_CONNECT_TIMEOUT', /timed out/],
		['DEPTH_ZERO_SELF_SIGNED_CERT', /Allow Self-Signed Certificates/],
		['ECONNRESET', /closed unexpectedly/],
	])('explains a network failure (%s) naming the endpoint', (code, reason) => {
		const error = toNodeError(node, fetchFailed(code), 0, endpoint);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`Could not reach Appwrite at ${endpoint}`);
		expect(error.message).toMatch(reason);
	});

	it('never carries anything but message, status and type over from Appwrite', () => {
		const raw = new AppwriteException('Invalid', 400, 'general_argument_invalid', '{"secret":"abc"}');
		const error = toNodeError(node, raw, 0, endpoint) as NodeApiError;
		expect(JSON.stringify(error.errorResponse)).not.toContain('secret');
		expect(error.errorResponse).toEqual({ message: 'Invalid', code: 400, type: 'general_argument_invalid' });
	});
});
