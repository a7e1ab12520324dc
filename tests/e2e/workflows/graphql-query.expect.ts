import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'GraphQL → Query: one result object',
	node: 'GraphQL Query',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assert.ok(Object.keys(json[0]).length > 0, 'expected a non-empty object');
		assert.ok(traffic.some((e) => e.path.startsWith('/v1/graphql')));
	},
});
