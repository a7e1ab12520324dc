/**
 * End-to-end test against a real n8n 2.41.1 (Node 24): `npx tsx tests/e2e/run.ts [filter]`.
 *
 * 1. installs n8n once (tests/e2e/node_modules), builds and packs this package, installs the
 *    tarball the way n8n's community-package installer does, starts the Appwrite stand-in;
 * 2. imports the stand-in credential and every workflows/*.json, runs each with
 *    `n8n execute --id … --rawOutput` and checks the items with workflows/<name>.expect.ts;
 * 3. checks that every node the package ships is used by at least one workflow;
 * 4. starts `n8n start` and, through its REST API as the editor does, checks that n8n lists the
 *    nodes and runs the credential test: good key → OK, bad key / unreachable endpoint → the message;
 *    that the row mapper and the query builder load the table's columns, typed; that every picker's
 *    list returns choices and every action node has its AI tool variant (lib/pickers.ts); and the
 *    triggers (lib/triggers.ts).
 * The last line is `e2e: N passed, M failed`; the exit code is 1 on any failure.
 * An optional filter (part of a workflow file name, or an id) runs only matching workflows and
 * skips steps 3 and 4.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { assert } from './lib/expect';
import { checkExpectation } from './lib/check';
import { checkExitRace } from './lib/exit-race';
import { badCredentials, checkCredentialTests, type BadCredentials } from './lib/credential-checks';
import type { Exchange } from './lib/keygate';
import { checkRowMapper } from './lib/mapper';
import {
	blockedAttempts,
	executeWorkflow,
	RestClient,
	startServer,
	type ExecuteResult,
	type N8nItem,
} from './lib/n8n';
import { EXAMPLES_DIR, WORKFLOWS_DIR } from './lib/paths';
import { freePorts } from './lib/ports';
import { cleanupAll, installExitHandlers, log } from './lib/proc';
import { runProblem } from './lib/report';
import { setUp } from './lib/setup';
import { createTally, errorText } from './lib/tally';
import { checkPickers } from './lib/pickers';
import { checkTriggers, loadTriggerWorkflows } from './lib/triggers';
import {
	isTriggerWorkflow,
	loadExampleCases,
	loadWorkflowCases,
	nodeTypeOfFile,
	packageNodeTypesUsed,
	type WorkflowCase,
} from './lib/workflows';

// One at a time by default: two `n8n execute` processes on one user folder (one SQLite database) were seen to
// lose a run on a loaded 2-core machine.
const EXAMPLE_CONCURRENCY = Math.max(1, Number(process.env.E2E_EXAMPLE_CONCURRENCY ?? 1));

const tally = createTally('e2e');
const { pass, fail } = tally;

/** Inline base64, or `filesystem-v2:<path>` under `<home>/.n8n/storage/` (n8n 2.x default mode). */
function binaryReader(home: string) {
	return (item: N8nItem, property = 'data'): Buffer | undefined => {
		const binary = item.binary?.[property];
		if (!binary) return undefined;
		if (binary.id?.startsWith('filesystem-v2:')) {
			const file = join(home, '.n8n', 'storage', binary.id.slice('filesystem-v2:'.length));
			return existsSync(file) ? readFileSync(file) : undefined;
		}
		if (binary.id || !binary.data) return undefined;
		return Buffer.from(binary.data, 'base64');
	};
}

async function checkWorkflow(
	wf: WorkflowCase,
	result: ExecuteResult,
	home: string,
	traffic: Exchange[],
): Promise<void> {
	const name = `${wf.file}: ${wf.expectation.description}`;
	const problem =
		runProblem(wf.json.nodes, result) ??
		(result.run && (await checkExpectation(wf, result.run, binaryReader(home), traffic)));
	if (problem) fail(name, problem);
	else pass(name, `${(result.durationMs / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
	installExitHandlers();
	const started = performance.now();
	const filter = process.argv[2];

	const cases = await loadWorkflowCases(WORKFLOWS_DIR, filter);
	// the example workflows of `npm start` / `npm run demo` must keep working too (no expectation:
	// they pass when every node runs without an error)
	const examples = filter ? [] : await loadExampleCases(EXAMPLES_DIR);
	// trigger workflows run once activated, in the editor-side checks below
	const e2eTriggerWorkflows = filter ? [] : loadTriggerWorkflows();
	const triggerWorkflows = [...examples.filter(isTriggerWorkflow), ...e2eTriggerWorkflows];
	if (cases.length === 0)
		throw new Error(`No workflows in ${WORKFLOWS_DIR}${filter ? ` match "${filter}"` : ''}`);
	const clash = examples.find((e) => cases.some((c) => c.json.id === e.json.id));
	if (clash)
		throw new Error(
			`examples/${clash.file}.json reuses the id ${clash.json.id} of a workflow in workflows/`,
		);

	let bad: BadCredentials | undefined;
	const setup = await setUp({
		name: 'e2e-home',
		workflows: [...cases, ...examples, ...e2eTriggerWorkflows].map((w) => w.json),
		extraCredentials: async (endpoint) => {
			bad = await badCredentials(endpoint);
			return [bad.wrongKey, bad.unreachable];
		},
	});

	log(`Running ${cases.length} workflow(s) with n8n execute…`);
	for (const wf of cases) {
		const mark = setup.gate.lastSeq();
		const result = await executeWorkflow(setup.instance, wf.json.id);
		await checkWorkflow(wf, result, setup.instance.home, setup.gate.since(mark));
	}

	// no expectation looks at their traffic, so the examples may run in parallel (E2E_EXAMPLE_CONCURRENCY)
	const queue = examples.filter((example) => !isTriggerWorkflow(example));
	if (queue.length > 0)
		log(`Running ${queue.length} example workflow(s), ${EXAMPLE_CONCURRENCY} at a time…`);
	const brokerPorts = await freePorts(EXAMPLE_CONCURRENCY);
	await Promise.all(
		brokerPorts.map(async (brokerPort) => {
			for (let example = queue.shift(); example; example = queue.shift()) {
				const mark = setup.gate.lastSeq(); // traffic is the example's own at the default concurrency of 1
				const result = await executeWorkflow(setup.instance, example.json.id, brokerPort);
				const { expectation } = example;
				const problem =
					runProblem(example.json.nodes, result, { noErrorItems: !expectation }) ??
					(expectation && result.run
						? await checkExpectation(
								{ ...example, expectation },
								result.run,
								binaryReader(setup.instance.home),
								setup.gate.since(mark),
							)
						: undefined);
				const name = `example ${example.file}: ${expectation ? expectation.description : `"${example.json.name}" runs`}`;
				if (problem) fail(name, problem);
				else pass(name, `${(result.durationMs / 1000).toFixed(1)} s`);
			}
		}),
	);

	// the "exit null" once seen here: `n8n execute` must end cleanly every time, not most times (lib/exit-guard.cjs)
	const health = examples.find((example) => example.file === 'health');
	if (health) {
		const race = await checkExitRace(setup.instance, health.json.id);
		if (race.problem) fail('exit: n8n execute ends cleanly 5 times in a row', race.problem);
		else pass('exit: n8n execute ends cleanly 5 times in a row', race.ends.join(', '));
	}

	if (!filter) {
		// every node the package ships is used by at least one workflow
		const used = packageNodeTypesUsed([...cases, ...triggerWorkflows]);
		for (const file of setup.pkg.nodes) {
			const type = nodeTypeOfFile(file);
			if (used.has(type)) pass(`coverage: ${type} is used by a workflow`);
			else
				fail(
					`coverage: ${type}`,
					`no workflow in tests/e2e/workflows uses ${type}; add one (JSON + .expect.ts)`,
				);
		}

		log('Starting n8n (n8n start) for the editor-side checks…');
		const t = performance.now();
		const server = await startServer(setup.instance);
		log(
			`n8n is up at ${setup.instance.baseUrl} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
		);
		try {
			const client = new RestClient(setup.instance.baseUrl);
			await client.ownerLogin();

			// the editor's node list (GET /types/nodes.json) includes every node of the package
			try {
				const response = await client.request<Array<{ name: string }>>('GET', '//types/nodes.json');
				assert.ok(Array.isArray(response.raw), `GET /types/nodes.json answered ${response.status}`);
				const types = new Set((response.raw as Array<{ name: string }>).map((n) => n.name));
				const missing = setup.pkg.nodes.map(nodeTypeOfFile).filter((type) => !types.has(type));
				assert.deepEqual(missing, [], `n8n does not list: ${missing.join(', ')}`);
				pass(`editor: n8n lists the package's ${setup.pkg.nodes.length} node(s)`);
			} catch (error) {
				fail('editor: n8n lists the package nodes', errorText(error));
			}

			// Settings → Community Nodes (GET /rest/community-packages) lists the package with its nodes
			try {
				const response = await client.request<
					Array<{
						packageName: string;
						installedVersion: string;
						installedNodes: Array<{ type: string }>;
					}>
				>('GET', '/community-packages');
				const listed = (Array.isArray(response.data) ? response.data : []).find(
					(p) => p.packageName === setup.pkg.name,
				);
				assert.ok(
					listed,
					`GET /rest/community-packages answered ${response.status}: ${JSON.stringify(response.raw).slice(0, 300)}`,
				);
				assert.equal(listed.installedVersion, setup.pkg.version);
				assert.deepEqual(
					listed.installedNodes.map((n) => n.type).sort(),
					setup.pkg.nodes.map(nodeTypeOfFile).sort(),
				);
				pass(
					`editor: Settings → Community Nodes lists ${setup.pkg.name}@${setup.pkg.version} with its ${listed.installedNodes.length} nodes`,
				);
			} catch (error) {
				fail('editor: Settings → Community Nodes lists the package', errorText(error));
			}

			if (bad) await checkCredentialTests(client, setup.credential, bad, tally);

			// one check: passes with what its body returns, fails with what it throws
			const check = async (name: string, body: () => Promise<string | void>) => {
				try {
					pass(name, (await body()) ?? '');
				} catch (error) {
					fail(name, errorText(error));
				}
			};
			await checkRowMapper(setup, client, check);

			await checkPickers({ setup, client, check });

			await checkTriggers({ setup, client, examples, check });
		} finally {
			await server.stop();
		}
	}

	// nothing tried to leave the machine (n8n's own calls home are switched off in lib/n8n.ts)
	const attempts = blockedAttempts(setup.instance);
	if (attempts.length === 0) pass('network: n8n and the package only talked to 127.0.0.1');
	else {
		const targets = [
			...new Set(attempts.map((a) => `${a.kind} ${a.target} (n8n ${a.argv.join(' ')})`)),
		];
		fail(
			'network: n8n and the package only talked to 127.0.0.1',
			`blocked attempts (see ${setup.instance.netGuardLog}):\n${targets.join('\n')}`,
		);
	}

	log(`e2e took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main()
	.catch((error: unknown) => {
		fail('e2e setup', errorText(error));
	})
	.finally(async () => {
		await cleanupAll();
		process.exit(tally.finish());
	});
