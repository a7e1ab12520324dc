import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		"Users → Get as an AI tool, run by n8n's Tool Executor (what the editor uses to run a tool on its own): the $fromAI() value is the user ID Appwrite gets",
	node: 'Tool Executor',
	check({ json, traffic }) {
		assert.equal(json.length, 1);
		const paths = traffic.map((exchange) => `${exchange.method} ${exchange.path.split('?')[0]}`);
		assert.deepEqual(paths, ['GET /v1/users/fromai-user-7']);
	},
});
