import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Users → Get: one item, the user object',
	node: 'Get User',
	check({ json }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the user');
		assert.equal(typeof json[0].email, 'string');
		assert.equal(typeof json[0].status, 'boolean');
	},
});
