import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'TablesDB rows: three created, the two in stock listed by the query builder (most first), updated, deleted',
	node: 'Delete Row',
	check({ json, itemsOf, traffic }) {
		const created = itemsOf('Create Row').map((item) => item.json);
		assert.deepEqual(
			created.map((row) => [row.title, row.stock]),
			[
				['Fountain pen', 12],
				['Ink bottle', 0],
				['Notebook', 5],
			],
		);
		assert.ok(created.every((row) => typeof row.$id === 'string' && row.$tableId === 'products'));

		const listed = itemsOf('List Rows in Stock').map((item) => item.json);
		assert.deepEqual(
			listed.map((row) => row.title),
			['Fountain pen', 'Notebook'],
		);
		const list = traffic.find(
			(exchange) => exchange.method === 'GET' && exchange.path.includes('/tables/products/rows'),
		);
		assert.ok(list, 'no list request reached the stand-in');
		const queries = new URL(list.path, 'http://x').searchParams;
		const sent = [...queries.entries()]
			.filter(([name]) => name.startsWith('queries'))
			.map(([, value]) => JSON.parse(value) as { method: string });
		assert.deepEqual(sent.slice(0, 2), [
			{ method: 'greaterThan', attribute: 'stock', values: [0] },
			{ method: 'orderDesc', attribute: 'stock' },
		]);

		const updated = itemsOf('Update Row').map((item) => item.json);
		assert.deepEqual(
			updated.map((row) => [row.title, row.stock]),
			[
				['Fountain pen', 11],
				['Notebook', 4],
			],
		);
		assert.equal(json.length, 2);
		const deletes = traffic
			.filter((exchange) => exchange.method === 'DELETE')
			.map((exchange) => exchange.path.split('/').pop());
		assert.deepEqual(deletes, [listed[0].$id, listed[1].$id]);
	},
});
