import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Locale → Get Countries: one item per country (name, code), at most the limit (5)',
	node: 'Get Countries',
	check({ json }) {
		assert.ok(json.length >= 1 && json.length <= 5, `expected 1..5 items, got ${json.length}`);
		for (const country of json) {
			assert.equal(typeof country.name, 'string');
			assert.equal(typeof country.code, 'string');
		}
	},
});
