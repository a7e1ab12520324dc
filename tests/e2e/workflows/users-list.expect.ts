import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Users → Get Many: one item per user, at most the limit (10)',
	node: 'List Users',
	check({ json }) {
		assert.ok(json.length >= 1 && json.length <= 10, `expected 1..10 items, got ${json.length}`);
		json.forEach((user, i) => assertAppwriteObject(user, `user ${i}`));
	},
});
