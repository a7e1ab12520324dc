import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Sites → Get Many: one item per site',
	node: 'List Sites',
	check({ json, traffic }) {
		assert.ok(json.length >= 1, `expected at least one item, got ${json.length}`);
		json.forEach((record, i) => assertAppwriteObject(record, `record ${i}`));
		assert.ok(traffic.some((e) => e.path.startsWith('/v1/sites')));
	},
});
