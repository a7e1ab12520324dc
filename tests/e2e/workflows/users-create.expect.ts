import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Users → Create with an empty user ID and an email: the new user; the request carried a generated ID',
	node: 'Create User',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the created user');
		assert.equal(typeof json[0].email, 'string');
		const request = traffic.find((e) => e.method === 'POST' && e.path === '/v1/users');
		assert.ok(
			request,
			`no POST /v1/users; saw ${traffic.map((e) => `${e.method} ${e.path}`).join(', ')}`,
		);
		const body = JSON.parse(request.requestBody.toString('utf8')) as Record<string, unknown>;
		assert.equal(body.email, 'ann@example.com');
		assert.equal(body.name, 'Ann');
		assert.equal(typeof body.userId, 'string');
		assert.ok(
			(body.userId as string).length > 0,
			'an empty user ID was sent instead of a generated one',
		);
	},
});
