import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Messaging → Create Topic with an empty ID: the topic; the request carried the name and a generated ID',
	node: 'Create Topic',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the topic');
		const request = traffic.find((e) => e.method === 'POST' && e.path === '/v1/messaging/topics');
		assert.ok(
			request,
			`no POST /v1/messaging/topics; saw ${traffic.map((e) => `${e.method} ${e.path}`).join(', ')}`,
		);
		const body = JSON.parse(request.requestBody.toString('utf8')) as Record<string, unknown>;
		assert.equal(body.name, 'Release notes');
		assert.equal(typeof body.topicId, 'string');
		assert.ok(
			(body.topicId as string).length > 0,
			'an empty topic ID was sent instead of a generated one',
		);
	},
});
