import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Functions → Get Function: one item, the function',
	node: 'Get Function',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the function');
		assert.equal(typeof json[0].runtime, 'string');
		assert.ok(
			traffic.some((e) => e.method === 'GET' && e.path.startsWith('/v1/functions/e2e-function')),
		);
	},
});
