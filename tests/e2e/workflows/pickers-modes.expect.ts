import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'IDs picked From list, By URL and By ID (as the editor saves them) reach Appwrite as plain IDs',
	node: 'Get File',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the file');
		const paths = traffic.map((exchange) => `${exchange.method} ${exchange.path.split('?')[0]}`);
		assert.deepEqual(paths, [
			'GET /v1/tablesdb/e2e-picked-db/tables/e2e-picked-table/rows/e2e-picked-row',
			'GET /v1/storage/buckets/e2e-picked-bucket/files/e2e-picked-file',
		]);
	},
});
