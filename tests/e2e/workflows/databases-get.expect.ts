import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Databases → Get Document: one item, the document, from the right path',
	node: 'Get Document',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		assertAppwriteObject(json[0], 'the document');
		assert.equal(typeof json[0].$collectionId, 'string');
		assert.ok(
			traffic.some(
				(e) =>
					e.method === 'GET' &&
					e.path.startsWith('/v1/databases/e2e-db/collections/e2e-collection/documents/e2e-doc'),
			),
			`no GET of the document; saw ${traffic.map((e) => `${e.method} ${e.path}`).join(', ')}`,
		);
	},
});
