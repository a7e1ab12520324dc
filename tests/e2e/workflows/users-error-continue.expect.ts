import { assert, assertErrorItem, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Users → Create with an invalid email, Continue On Fail: one error item with HTTP 400',
	node: 'Create Invalid User',
	check({ json }) {
		assert.equal(json.length, 1);
		assertErrorItem(json[0], '400');
		assert.equal(json[0].$id, undefined, 'an error item must not look like a user');
	},
});
