/**
 * Browser test: `npm run test:ui`. A real n8n 2.41.1 (tests/e2e's install) with this package, a
 * searchable Appwrite stand-in on 127.0.0.1 (lib/appwrite-catalog.ts), and Debian's Chromium driven
 * by playwright-core (lib/chromium.ts), doing what a user does in the editor:
 *
 *   A. sign in, open a new workflow, add Appwrite TablesDB → Row → Create, create the credential,
 *      pick a database and a table From list by typing a search, see the table's columns in the
 *      row mapper, fill two, execute the node and find the created row in the output panel;
 *   B. add Appwrite Storage → File → Download, pick a bucket and a file From list, execute, find
 *      the file's name, size and type in the output's binary view and open it.
 *
 * Screenshots of the steps are written to docs/screenshots/ (README's "Browser test").
 * The last line is `ui: N passed, M failed`; the exit code is 1 on any failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Page } from 'playwright-core';

import { ensureN8nInstalled } from '../e2e/lib/install';
import { acquireLock } from '../e2e/lib/lock';
import { blockedAttempts, createInstance, OWNER, RestClient, startServer } from '../e2e/lib/n8n';
import { buildAndPack, installIntoN8n } from '../e2e/lib/package';
import { ROOT_DIR, WORK_DIR } from '../e2e/lib/paths';
import { cleanupAll, installExitHandlers, log, onCleanup } from '../e2e/lib/proc';
import { createTally } from '../e2e/lib/tally';
import { CATALOG_API_KEY, CATALOG_PROJECT_ID, startAppwriteCatalog } from './lib/appwrite-catalog';
import { ensureChromium, launchChromium } from './lib/chromium';
import { Editor } from './lib/editor';
import type { Scenario, ScenarioContext } from './lib/scenario';
import { scenarios } from './scenarios';

export const SCREENSHOT_DIR = join(ROOT_DIR, 'docs', 'screenshots');
const FAILURE_DIR = join(WORK_DIR, 'ui-failures');

const tally = createTally('ui');

function seconds(since: number): string {
	return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * n8n answers its health and GET routes before the POST routes and the editor's pages are mounted,
 * and an early owner setup can answer 200 without creating the owner: repeat it until n8n knows
 * the owner (GET /rest/login with the session answers with its email) and serves the sign-in page.
 */
async function setUpOwner(baseUrl: string): Promise<void> {
	const deadline = Date.now() + 120_000;
	let last = '';
	while (Date.now() < deadline) {
		try {
			const client = new RestClient(baseUrl);
			await client.ownerLogin();
			const me = await client.request<{ email?: string }>('GET', '/login');
			const signIn = await fetch(`${baseUrl}/signin`, { headers: { accept: 'text/html' } });
			if (me.status === 200 && me.data.email === OWNER.email && signIn.status === 200) return;
			last = `GET /rest/login ${me.status}, GET /signin ${signIn.status}`;
		} catch (error) {
			last = (error as Error).message;
		}
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error(`n8n did not accept the owner within 120 s: ${last}`);
}

/** Requests of the page to anything but this machine are refused and remembered. */
async function keepBrowserLocal(page: Page, blocked: string[]): Promise<void> {
	await page.context().route(/.*/, async (route) => {
		const url = new URL(route.request().url());
		const local =
			['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ||
			['data:', 'blob:'].includes(url.protocol);
		if (local) await route.continue();
		else {
			blocked.push(url.href);
			await route.abort('blockedbyclient');
		}
	});
}

/** Runs the steps in order; after a failure the rest of that scenario is reported as not reached. */
async function runScenario(scenario: Scenario, context: ScenarioContext): Promise<void> {
	let failedAt: string | undefined;
	for (const step of scenario.steps) {
		const name = `${scenario.name}: ${step.name}`;
		if (failedAt) {
			tally.fail(name, `not reached: "${failedAt}" failed`);
			continue;
		}
		const started = performance.now();
		try {
			const detail = await step.run(context);
			tally.pass(name, detail ? `${detail}, ${seconds(started)}` : seconds(started));
		} catch (error) {
			failedAt = step.name;
			mkdirSync(FAILURE_DIR, { recursive: true });
			const shot = join(FAILURE_DIR, `${scenario.name.replace(/\W+/g, '-')}.png`);
			await context.editor.page.screenshot({ path: shot }).catch(() => undefined);
			tally.fail(name, `${tally.errorText(error)}\n(screenshot: ${shot})`);
		}
	}
}

async function main(): Promise<void> {
	installExitHandlers();
	const started = performance.now();
	await ensureChromium();
	await ensureN8nInstalled();
	await acquireLock('ui-home');

	let t = performance.now();
	const releaseBuild = await acquireLock('build', 5 * 60_000);
	const pkg = await buildAndPack(join(WORK_DIR, 'ui-home-pack'));
	releaseBuild();
	// the node creator makes n8n fetch its list of verified community nodes from n8n's servers
	const instance = await createInstance({
		name: 'ui-home',
		workDir: WORK_DIR,
		env: { N8N_VERIFIED_PACKAGES_ENABLED: 'false' },
	});
	await installIntoN8n(instance.home, pkg);
	log(
		`Built, packed and installed ${pkg.name}@${pkg.version} into a fresh n8n user folder (${seconds(t)})`,
	);

	const catalog = await startAppwriteCatalog();
	t = performance.now();
	const server = await startServer(instance);
	onCleanup(() => server.stop());
	await setUpOwner(instance.baseUrl);
	log(`n8n is up at ${instance.baseUrl} (${seconds(t)}); Appwrite stand-in at ${catalog.endpoint}`);

	const browser = await launchChromium();
	const page = browser.pages()[0] ?? (await browser.newPage());
	page.setDefaultTimeout(30_000);
	page.on('dialog', (dialog) => void dialog.accept()); // "leave without saving?" when opening the next workflow
	const blocked: string[] = [];
	await keepBrowserLocal(page, blocked);
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const editor = new Editor(page, instance.baseUrl, SCREENSHOT_DIR);
	log(`Chromium ${browser.browser()?.version() ?? ''} is up; signing in as ${OWNER.email}`);

	const context: ScenarioContext = {
		editor,
		catalog,
		credential: {
			endpoint: catalog.endpoint,
			projectId: CATALOG_PROJECT_ID,
			apiKey: CATALOG_API_KEY,
		},
	};
	for (const scenario of scenarios) await runScenario(scenario, context);

	// n8n's node creator looks installed community packages up on npm by itself (maintainer, downloads)
	const npmLookup = (url: string) =>
		url === `https://registry.npmjs.org/${pkg.name}` ||
		(url.startsWith('https://api.npmjs.org/downloads/') && url.endsWith(`/${pkg.name}`));
	const outside = blocked.filter((url) => !npmLookup(url));
	const local = 'the editor loaded nothing from outside 127.0.0.1';
	if (outside.length === 0)
		tally.pass(
			local,
			`refused ${blocked.length} look-up(s) of the package on npm by n8n's node creator`,
		);
	else tally.fail(local, outside.slice(0, 10).join('\n'));
	const outbound = blockedAttempts(instance);
	if (outbound.length === 0) tally.pass('n8n reached nothing but 127.0.0.1 (net guard)');
	else
		tally.fail(
			'n8n reached nothing but 127.0.0.1 (net guard)',
			outbound.map((a) => `${a.kind} ${a.target}`).join('\n'),
		);

	const total = editor.screenshots.reduce((sum, shot) => sum + shot.bytes, 0);
	log(
		`\nScreenshots (${editor.screenshots.length}, ${(total / 1024).toFixed(0)} KiB) in ${SCREENSHOT_DIR}:`,
	);
	for (const shot of editor.screenshots)
		log(`  ${shot.file.slice(ROOT_DIR.length + 1)}  ${(shot.bytes / 1024).toFixed(0)} KiB`);
	log(`Browser test took ${seconds(started)}.`);
	await cleanupAll();
	process.exit(tally.finish());
}

main().catch(async (error: unknown) => {
	tally.fail('browser test setup', tally.errorText(error));
	await cleanupAll();
	process.exit(tally.finish());
});
