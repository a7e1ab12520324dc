/**
 * The local Appwrite stand-in (tests/support/standin.ts: Prism serving a rewritten copy of the
 * vendored Appwrite spec on 127.0.0.1), started once and stopped at cleanup.
 * E2E_STANDIN_MODULE may point at another module with the same `startStandIn()` export.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT_DIR } from './paths';
import { log, onCleanup } from './proc';

export interface StandIn {
	endpoint: string;
	port: number;
	stop(): Promise<void>;
}

export async function startAppwriteStandIn(): Promise<StandIn> {
	const modulePath =
		process.env.E2E_STANDIN_MODULE ?? join(ROOT_DIR, 'tests', 'support', 'standin.ts');
	if (!existsSync(modulePath)) {
		throw new Error(`The Appwrite stand-in ${modulePath} does not exist (yet).`);
	}
	const mod = (await import(modulePath)) as {
		startStandIn?: () => Promise<StandIn>;
		default?: { startStandIn?: () => Promise<StandIn> };
	};
	const start = mod.startStandIn ?? mod.default?.startStandIn;
	if (typeof start !== 'function') throw new Error(`${modulePath} does not export startStandIn()`);
	const started = Date.now();
	const standIn = await start();
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await standIn.stop();
	};
	onCleanup(stop);
	log(
		`Appwrite stand-in listening at ${standIn.endpoint} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
	);
	return { ...standIn, stop };
}
