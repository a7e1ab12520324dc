/**
 * `npm run demo`: the `npm start` setup without staying up. Runs each example workflow
 * (tests/e2e/examples/*.json, one per node) with `n8n execute` against the Appwrite stand-in and
 * prints what every node returned. Exits 1 if an example fails.
 *
 *   npx tsx tests/e2e/demo.ts [filter]
 */
import { executeWorkflow } from './lib/n8n';
import { EXAMPLES_DIR, N8N_VERSION } from './lib/paths';
import { cleanupAll, installExitHandlers, log } from './lib/proc';
import { formatRun, runProblem } from './lib/report';
import { setUp } from './lib/setup';
import { isTriggerWorkflow, loadWorkflowFiles } from './lib/workflows';

async function main(): Promise<number> {
	installExitHandlers();
	// trigger examples start once activated (npm start), not with `n8n execute`
	const examples = loadWorkflowFiles(EXAMPLES_DIR, process.argv[2]).filter(
		(example) => !isTriggerWorkflow(example),
	);
	if (examples.length === 0) throw new Error(`No example workflows in ${EXAMPLES_DIR}`);
	const setup = await setUp({ name: 'demo-home', workflows: examples.map((e) => e.json) });

	console.log(
		`\nn8n ${N8N_VERSION} with ${setup.pkg.name}@${setup.pkg.version}; Appwrite stand-in at ${setup.gate.endpoint}\n`,
	);
	let failures = 0;
	for (const example of examples) {
		const result = await executeWorkflow(setup.instance, example.json.id);
		const problem = runProblem(example.json.nodes, result, { noErrorItems: true });
		console.log(
			`━━ ${example.json.name}  (${(result.durationMs / 1000).toFixed(1)} s)${problem ? '  FAILED' : ''}`,
		);
		if (result.run) console.log(formatRun(example.json.nodes, result));
		if (problem) {
			failures++;
			console.log(problem.replace(/^/gm, '  ! '));
		}
		console.log('');
	}
	console.log(
		`demo: ${examples.length - failures} of ${examples.length} example workflows ran successfully`,
	);
	return failures > 0 ? 1 : 0;
}

main().then(
	async (code) => {
		await cleanupAll();
		process.exit(code);
	},
	async (error: unknown) => {
		log(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		await cleanupAll();
		process.exit(1);
	},
);
