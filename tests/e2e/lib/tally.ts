/**
 * Pass/fail lines for the e2e and scale scripts: `ok    <check>  (detail)` or `FAIL  <check>` with
 * the reason indented, then the failed checks and a closing `<label>: N passed, M failed`.
 */
import assert from 'node:assert/strict';

/** An assertion's message, or an error's stack. */
export function errorText(error: unknown): string {
	if (error instanceof assert.AssertionError) return error.message;
	return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export interface Tally {
	pass(name: string, detail?: string): void;
	fail(name: string, reason: string): void;
	/** An assertion's message, or an error's stack. */
	errorText(error: unknown): string;
	/** Prints the summary; returns the exit code (1 on any failure, or when nothing passed). */
	finish(): number;
}

export function createTally(label: string): Tally {
	let passed = 0;
	const failures: string[] = [];
	return {
		pass(name, detail = '') {
			passed++;
			console.log(`ok    ${name}${detail ? `  (${detail})` : ''}`);
		},
		fail(name, reason) {
			failures.push(name);
			console.log(`FAIL  ${name}\n${reason.replace(/^/gm, '      ')}`);
		},
		errorText,
		finish() {
			if (failures.length > 0) console.log(`\nFailed:\n  ${failures.join('\n  ')}`);
			console.log(`${label}: ${passed} passed, ${failures.length} failed`);
			return failures.length > 0 || passed === 0 ? 1 : 0;
		},
	};
}
