/**
 * `npm start`: a real n8n 2.41.1 (Node 24) with this package installed as a community package,
 * the Appwrite stand-in, a ready credential for it and one example workflow per node; prints the
 * editor URL and the login, and stays up until Ctrl-C, then stops everything it started.
 *
 *   npx tsx tests/e2e/start.ts [--port 5678]
 *
 * The n8n user folder is tests/e2e/.work/start-home and is recreated on every start.
 * Port: --port, else the PORT environment variable, else 5678 when free, else any free port.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';

import { OWNER, RestClient, startServer } from './lib/n8n';
import { EXAMPLES_DIR, N8N_VERSION } from './lib/paths';
import { freePort } from './lib/ports';
import {
	cleanupAll,
	describeEnd,
	installExitHandlers,
	isShuttingDown,
	log,
	onCleanup,
	withProgress,
} from './lib/proc';
import { STANDIN_API_KEY, setUp } from './lib/setup';
import { loadWorkflowFiles } from './lib/workflows';

function portIsFree(port: number): Promise<boolean> {
	return new Promise((done) => {
		const server = createServer();
		server.once('error', () => done(false));
		server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
	});
}

async function choosePort(): Promise<number> {
	const flag = process.argv.indexOf('--port');
	const wanted =
		flag !== -1
			? Number(process.argv[flag + 1])
			: process.env.PORT
				? Number(process.env.PORT)
				: undefined;
	if (wanted !== undefined) {
		if (!Number.isInteger(wanted) || wanted <= 0 || wanted > 65535)
			throw new Error(`Invalid port: ${wanted}`);
		if (!(await portIsFree(wanted))) throw new Error(`Port ${wanted} on 127.0.0.1 is in use`);
		return wanted;
	}
	return (await portIsFree(5678)) ? 5678 : freePort();
}

async function main(): Promise<void> {
	installExitHandlers({ signalExitCode: 0 });
	const examples = loadWorkflowFiles(EXAMPLES_DIR);
	const port = await choosePort();
	const setup = await setUp({ name: 'start-home', workflows: examples.map((e) => e.json), port });

	log(`Starting n8n ${N8N_VERSION} (n8n start)…`);
	const started = Date.now();
	const server = await withProgress(
		'  n8n is starting',
		startServer(setup.instance, {
			echo: true,
			env: { N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL ?? 'warn' },
		}),
	);
	onCleanup(() => server.stop());
	await new RestClient(setup.instance.baseUrl).ownerLogin();
	log(`n8n is up (${((Date.now() - started) / 1000).toFixed(1)} s).`);
	const editorPort = setup.instance.port;

	server.child.once('exit', (code, signal) => {
		if (isShuttingDown()) return;
		log(`\nn8n stopped by itself (${describeEnd(code, signal)}); stopping the rest.`);
		void cleanupAll().finally(() => process.exit(1));
	});

	console.log(
		[
			'',
			`n8n ${N8N_VERSION} with ${setup.pkg.name}@${setup.pkg.version} is running.`,
			'',
			`  n8n editor:          ${setup.instance.baseUrl}   ← open this in a browser`,
			`  Log in as:           ${OWNER.email}  /  ${OWNER.password}`,
			`  From another machine (a VM, a dev container, over SSH): n8n listens on 127.0.0.1 only, so forward the port,`,
			`                       e.g. ssh -L ${editorPort}:127.0.0.1:${editorPort} <user>@<this machine>, then open http://127.0.0.1:${editorPort}`,
			`  Appwrite stand-in:   ${setup.gate.endpoint}   ← the API the credential calls (not a web page)`,
			`                       credential "${setup.credential.name}": project ${String(setup.credential.data.projectId)}, API key ${STANDIN_API_KEY}`,
			'                       (any other key is refused the way Appwrite refuses an unknown key)',
			"                       It checks each request against Appwrite's API spec and explains a rejection like Appwrite",
			'                       (naming the parameter); it remembers the users, files and rows created through it and',
			"                       answers with them; anything else is answered with the spec's examples.",
			`  Workflows:           ${examples.map((e) => `"${e.json.name}"`).join(', ')}`,
			'  Triggers:            activate an Appwrite Trigger example, then run "Example: Appwrite TablesDB (create an order)";',
			'                       the stand-in keeps the rows of shop/orders and sends their events like Appwrite',
			`  User folder:         ${join(setup.instance.home, '.n8n')} (recreated on every start)`,
			'',
			'Press Ctrl-C to stop everything.',
			'',
		].join('\n'),
	);
	await new Promise(() => undefined); // until a signal
}

main().catch(async (error: unknown) => {
	log(`start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	await cleanupAll();
	process.exit(1);
});
