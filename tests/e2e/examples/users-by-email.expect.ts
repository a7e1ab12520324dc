import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Users (version 2): a user created with email, password and name up front is found by its email',
	node: 'Find User by Email',
	check({ json, itemsOf }) {
		const created = itemsOf('Create User')[0]?.json;
		assert.equal(created?.name, 'Grace Hopper');
		assert.equal(created?.email, 'grace@example.com');
		assert.equal(
			json.length,
			1,
			`expected exactly the created user, got ${JSON.stringify(json).slice(0, 300)}`,
		);
		assert.equal(json[0].$id, created.$id);
		assert.equal(json[0].name, 'Grace Hopper');
	},
});
