/**
 * Debian's Chromium, driven by playwright-core (which ships no browser of its own). Installed with
 * apt-get when /usr/bin/chromium is missing (a clean CI machine). The flags keep the browser
 * headless and quiet: without the background-networking ones Chromium keeps calling Google's
 * services (component updates, sync, safe browsing lists), which on a closed network only adds
 * noise and delays; `--disable-quic` keeps it from trying UDP at all.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

import { log, onCleanup, run } from '../../e2e/lib/proc';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox', // the tests run as root, where Chromium's sandbox refuses to start
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Installs Debian's `chromium` package when the browser is not there (once per machine). */
export async function ensureChromium(): Promise<void> {
	if (existsSync(CHROMIUM)) return;
	log("Installing Debian's chromium (apt-get update && apt-get install -y chromium)…");
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update'], { env, quiet: true, timeoutMs: 600_000 });
	await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
		env,
		quiet: true,
		timeoutMs: 900_000,
	});
	if (!existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
}

/**
 * Starts Chromium with a throw-away profile (playwright-core takes the profile folder as
 * `launchPersistentContext`'s argument and passes it as --user-data-dir). The browser is closed
 * and the profile removed at cleanup; playwright-core kills the browser if this process dies.
 */
export async function launchChromium(): Promise<BrowserContext> {
	const profile = mkdtempSync(join(tmpdir(), 'appwrite-suite-ui-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_FLAGS,
		viewport: { width: 1440, height: 900 },
		timeout: 60_000,
	});
	onCleanup(async () => {
		await context.close().catch(() => undefined);
		rmSync(profile, { recursive: true, force: true });
	});
	return context;
}
