/**
 * 1,000 items through the Users node's Get action in n8n's engine, against the same 1,000 calls
 * made directly on node-appwrite, both against one local stub server. Rounds alternate so no side
 * gets a warmer machine; medians are reported.
 *
 * The node runs twice: with the user ID as a fixed parameter, which measures what the node and the
 * engine's per-item handling add, and with the user ID as a `{{ $json.id }}` expression, whose
 * evaluation by n8n costs the same in front of any node. The last line, `ratio: N.NN`, is the
 * fixed-parameter node time over the SDK time.
 */
import { performance } from 'node:perf_hooks';

import { Client, Users } from 'node-appwrite';

import { runNode } from '../support/engine';
import { StubServer } from '../support/stub-server';

const ITEMS = 1_000;
const ROUNDS = 5;

async function main(): Promise<void> {
	const stub = await StubServer.start();
	stub.on('GET', '/v1/users/:userId', (request) => ({
		json: {
			$id: request.params.userId,
			name: 'Bench User',
			email: 'bench@example.com',
			status: true,
			labels: [],
			prefs: {},
		},
	}));
	const credentials = {
		appwriteApi: {
			endpoint: stub.endpoint,
			projectId: 'bench',
			apiKey: 'bench-key',
			selfSigned: false,
		},
	};
	const items = Array.from({ length: ITEMS }, (_, index) => ({ json: { id: `user-${index}` } }));

	async function viaNode(userId: string): Promise<number> {
		const start = performance.now();
		const result = await runNode({
			type: 'appwriteUsers',
			parameters: { resource: 'user', operation: 'get', userId },
			credentials,
			items,
		});
		const elapsed = performance.now() - start;
		if (result.output().length !== ITEMS)
			throw new Error(`node returned ${result.output().length} items`);
		return elapsed;
	}

	async function viaSdk(): Promise<number> {
		const start = performance.now();
		const users = new Users(
			new Client().setEndpoint(stub.endpoint).setProject('bench').setKey('bench-key'),
		);
		const results = [];
		for (const item of items) results.push(await users.get({ userId: item.json.id }));
		const elapsed = performance.now() - start;
		if (results.length !== ITEMS) throw new Error('SDK run incomplete');
		return elapsed;
	}

	const runs = {
		sdk: () => viaSdk(),
		node: () => viaNode('user-1'),
		nodeWithExpression: () => viaNode('={{ $json.id }}'),
	};
	const times: Record<keyof typeof runs, number[]> = { sdk: [], node: [], nodeWithExpression: [] };
	for (const run of Object.values(runs)) await run();
	for (let round = 0; round < ROUNDS; round++) {
		for (const [name, run] of Object.entries(runs))
			times[name as keyof typeof runs].push(await run());
	}
	await stub.close();

	const median = (values: number[]) =>
		[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const line = (label: string, ms: number) =>
		`${label}${ms.toFixed(0).padStart(6)} ms (${((ms / ITEMS) * 1000).toFixed(0)} µs/item)`;
	const sdk = median(times.sdk);
	const node = median(times.node);
	const withExpression = median(times.nodeWithExpression);
	console.log(`items per run: ${ITEMS}, rounds: ${ROUNDS}, medians`);
	console.log(line('sdk:  node-appwrite users.get, called directly      ', sdk));
	console.log(line('node: Appwrite Users node in the n8n engine          ', node));
	console.log(line('node with a {{ $json.id }} expression per item      ', withExpression));
	console.log(
		`ratio with the expression (n8n's evaluation included): ${(withExpression / sdk).toFixed(2)}`,
	);
	console.log(`ratio: ${(node / sdk).toFixed(2)}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
