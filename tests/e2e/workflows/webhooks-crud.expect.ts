import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Webhooks → Create, Get, Rotate Secret, Delete against the stand-in (Appwrite 1.9 Webhooks API)',
	node: 'Delete Webhook',
	check({ json, itemsOf, traffic }) {
		assert.deepEqual(json, [{ success: true }]);
		const [created] = itemsOf('Create Webhook').map((item) => item.json);
		assertAppwriteObject(created, 'the created webhook');
		assert.equal(created.$id, 'e2e-hook');
		assert.deepEqual(created.events, ['users.*.create', 'buckets.*.files.*.create']);
		const [got] = itemsOf('Get Webhook').map((item) => item.json);
		assert.equal(got.url, 'https://n8n.example.com/webhook/e2e');
		assert.equal(got.secret, '', 'Appwrite shows the secret only on creation and rotation');
		const [rotated] = itemsOf('Rotate Secret').map((item) => item.json);
		assert.notEqual(rotated.secret, 'e2e-signing-secret-01');
		assert.deepEqual(
			traffic.map((exchange) => `${exchange.method} ${exchange.path} ${exchange.status}`),
			[
				'POST /v1/webhooks 201',
				'GET /v1/webhooks/e2e-hook 200',
				'PATCH /v1/webhooks/e2e-hook/secret 200',
				'DELETE /v1/webhooks/e2e-hook 204',
			],
		);
	},
});
