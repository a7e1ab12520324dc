/**
 * A PID lock file under tests/e2e/.work/, so two runs never share a user folder or install at
 * once (the lead, CI and `npm start` may all run on one machine). A lock whose process is gone is
 * taken over; one held by a live process makes this run wait (up to `waitMs`), then fail.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { WORK_DIR } from './paths';
import { log, onCleanup } from './proc';

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Returns the release function (also run at cleanup and exit). */
export async function acquireLock(name: string, waitMs = 0): Promise<() => void> {
	mkdirSync(WORK_DIR, { recursive: true });
	const file = join(WORK_DIR, `${name}.lock`);
	const deadline = Date.now() + waitMs;
	let told = false;
	for (;;) {
		try {
			writeFileSync(file, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = Number(readFileSync(file, 'utf8').trim());
			if (!Number.isInteger(holder) || holder === process.pid || !alive(holder)) {
				rmSync(file, { force: true });
				continue;
			}
			if (Date.now() >= deadline) {
				throw new Error(`tests/e2e/.work/${name} is in use by process ${holder} (lock ${file})`);
			}
			if (!told) log(`Waiting for process ${holder}, which holds tests/e2e/.work/${name}.lock…`);
			told = true;
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	const release = () => {
		try {
			if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
		} catch {
			/* gone already */
		}
	};
	onCleanup(release);
	process.once('exit', release);
	return release;
}
