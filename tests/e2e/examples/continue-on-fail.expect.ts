import { assert, assertErrorItem, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Continue On Fail: three people in, three items out in order, the bad email an error item naming `email`',
	node: 'Create User',
	check({ items, json, traffic }) {
		assert.equal(items.length, 3);
		assert.deepEqual(
			items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.equal(json[0].name, 'Ada Lovelace');
		assert.equal(json[2].name, 'Alan Turing');
		assertErrorItem(json[1], '400');
		assert.match(
			String(json[1].error),
			/Invalid `email` param: Value must be a valid email address/,
		);
		assert.equal(traffic.filter((exchange) => exchange.method === 'POST').length, 3);
	},
});
