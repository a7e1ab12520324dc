import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Teams → Get Many: one item per team',
	node: 'List Teams',
	check({ json, traffic }) {
		assert.ok(json.length >= 1, `expected at least one item, got ${json.length}`);
		json.forEach((record, i) => assertAppwriteObject(record, `record ${i}`));
		assert.ok(traffic.some((e) => e.path.startsWith('/v1/teams')));
	},
});
