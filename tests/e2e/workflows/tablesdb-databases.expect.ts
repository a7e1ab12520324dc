import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'TablesDB → Database → Get Many: one item per database',
	node: 'List Databases',
	check({ json, traffic }) {
		assert.ok(json.length >= 1, `expected at least one item, got ${json.length}`);
		json.forEach((record, i) => assertAppwriteObject(record, `record ${i}`));
		assert.ok(traffic.some((e) => e.path.startsWith('/v1/tablesdb')));
	},
});
