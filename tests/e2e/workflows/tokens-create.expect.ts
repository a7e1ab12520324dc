import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Tokens → Create File Token: one item, the token with its secret',
	node: 'Create Token',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the token');
		assert.equal(typeof json[0].secret, 'string');
		assert.ok(
			traffic.some(
				(e) =>
					e.method === 'POST' && e.path.startsWith('/v1/tokens/buckets/e2e-bucket/files/e2e-file'),
			),
		);
	},
});
