/**
 * Opt-in tests against a real Appwrite server. They run only when these are set, and skip otherwise:
 *   APPWRITE_LIVE_ENDPOINT   e.g. https://cloud.appwrite.io/v1
 *   APPWRITE_LIVE_PROJECT    project ID
 *   APPWRITE_LIVE_KEY        API key with users.read/write and locale.read (health.read is implied)
 * They create one user with a random ID and delete it again.
 */
import { describe, expect, it } from 'vitest';

import { runNode } from '../support/engine';

const endpoint = process.env.APPWRITE_LIVE_ENDPOINT;
const projectId = process.env.APPWRITE_LIVE_PROJECT;
const apiKey = process.env.APPWRITE_LIVE_KEY;
const configured = Boolean(endpoint && projectId && apiKey);

const credentials = {
	appwriteApi: {
		endpoint: endpoint ?? '',
		projectId: projectId ?? '',
		apiKey: apiKey ?? '',
		selfSigned: false,
	},
};

describe.skipIf(!configured)('against a real Appwrite server (APPWRITE_LIVE_*)', () => {
	it('creates, reads, updates, lists and deletes a user', async () => {
		const email = `n8n-live-${Date.now()}@example.com`;
		const created = await runNode({
			type: 'appwriteUsers',
			parameters: {
				resource: 'user',
				operation: 'create',
				userId: '',
				additionalFields: { email, name: 'n8n live test', labels: 'n8nlive' },
			},
			credentials,
		});
		expect(created.error?.message).toBeUndefined();
		const userId = String(created.output()[0].json.$id);
		try {
			const updated = await runNode({
				type: 'appwriteUsers',
				parameters: {
					resource: 'user',
					operation: 'update',
					userId,
					additionalFields: { name: 'n8n live test 2', status: false },
				},
				credentials,
			});
			expect(updated.output()[0].json).toMatchObject({
				$id: userId,
				name: 'n8n live test 2',
				status: false,
			});
			const listed = await runNode({
				type: 'appwriteUsers',
				parameters: {
					resource: 'user',
					operation: 'getAll',
					returnAll: true,
					additionalFields: {
						queries: {
							conditions: [
								{ method: 'equal', attribute: 'email', valueType: 'string', value: email },
							],
						},
					},
				},
				credentials,
			});
			expect(listed.output().map((item) => item.json.$id)).toEqual([userId]);
		} finally {
			const deleted = await runNode({
				type: 'appwriteUsers',
				parameters: { resource: 'user', operation: 'delete', userId },
				credentials,
			});
			expect(deleted.output()[0].json).toEqual({ success: true });
		}
	});

	it('maps a missing user to a 404 with Appwrite’s error type', async () => {
		const result = await runNode({
			type: 'appwriteUsers',
			parameters: { resource: 'user', operation: 'get', userId: 'no-such-user-n8n-live' },
			credentials,
			continueOnFail: true,
		});
		expect(result.output()[0].json).toMatchObject({ httpCode: '404', type: 'user_not_found' });
	});

	it('lists countries', async () => {
		const result = await runNode({
			type: 'appwriteLocale',
			parameters: { resource: 'locale', operation: 'getCountries', returnAll: true },
			credentials,
		});
		expect(result.output().length).toBeGreaterThan(100);
	});
});
