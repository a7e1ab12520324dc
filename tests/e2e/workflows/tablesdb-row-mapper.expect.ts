import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'TablesDB → Row → Create with Map Columns: the row reaches Appwrite with typed values',
	node: 'Create Row',
	check({ json, traffic }) {
		const create = traffic.find(
			(e) => e.method === 'POST' && e.path.startsWith('/v1/tablesdb/shop/tables/orders/rows'),
		);
		assert.ok(create, 'n8n made no POST to /v1/tablesdb/shop/tables/orders/rows');
		const body = JSON.parse(create.requestBody.toString('utf8')) as {
			rowId: string;
			data: Record<string, unknown>;
		};
		// "3" from an expression became the number 3, the comma-separated text a list; the switch left alone is not sent.
		assert.deepEqual(body.data, {
			customer: 'Mapped Ann',
			total: 19.5,
			items: 3,
			status: 'shipped',
			tags: ['gift', 'rush'],
			placedAt: '2026-02-03T04:05:06.000Z',
		});
		assert.match(body.rowId, /^[0-9a-f]{20}$/, `the row ID was not generated: ${body.rowId}`);
		assert.equal(json.length, 1);
		assert.equal(json[0].$id, body.rowId);
		assert.equal(json[0].items, 3);
	},
});
