/** `npx tsx tests/e2e/install.ts`: installs the e2e n8n (skipped when already installed). */
import { ensureN8nInstalled, isInstalled } from './lib/install';
import { N8N_VERSION } from './lib/paths';
import { cleanupAll, installExitHandlers, log } from './lib/proc';

async function main(): Promise<void> {
	installExitHandlers();
	if (isInstalled()) {
		log(`n8n ${N8N_VERSION} is already installed in tests/e2e/node_modules.`);
		return;
	}
	await ensureN8nInstalled();
}

main().then(
	() => cleanupAll(),
	async (error: unknown) => {
		log(`install failed: ${error instanceof Error ? error.message : String(error)}`);
		await cleanupAll();
		process.exitCode = 1;
	},
);
