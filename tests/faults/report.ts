/**
 * `npm run faults:report`: runs the fault-injection suite and prints its figures: the fault kinds
 * and bad inputs covered, and per group the silent successes, duplicates, orphans and key leaks.
 */
import type { Reporter, TestModule } from 'vitest/node' with { 'resolution-mode': 'import' };

import type { FaultFigures } from './harness';

const COUNTS = ['silentSuccesses', 'duplicates', 'orphans', 'leaks'] as const;
const INPUT_GROUPS = new Set(['bad input', 'endpoint']);

export default class FaultReport implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		const cases = testModules.flatMap((module) => [...module.children.allTests()]);
		const failed = cases.filter((test) => test.result().state !== 'passed');
		const figures = cases
			.map((test) => test.meta().fault)
			.filter((fault): fault is FaultFigures => fault !== undefined);
		const lines: string[] = [];
		const print = (line = '') => lines.push(line);

		print(
			`Fault-injection suite: ${cases.length} cases, ${cases.length - failed.length} passed, ${failed.length} failed`,
		);
		for (const test of failed)
			print(
				`  FAILED ${test.fullName}: ${test.result().errors?.[0]?.message?.split('\n')[0] ?? ''}`,
			);
		const unmeasured = cases.length - figures.length;
		if (unmeasured) print(`  ${unmeasured} case(s) recorded no figures`);

		const faults = figures.filter((fault) => !INPUT_GROUPS.has(fault.group));
		const inputs = figures.filter((fault) => INPUT_GROUPS.has(fault.group));
		print();
		print(`Fault kinds covered (${faults.length}):`);
		for (const fault of faults) print(`  - [${fault.group}] ${fault.kind}`);
		print(`Bad inputs covered (${inputs.length}):`);
		for (const fault of inputs) print(`  - [${fault.group}] ${fault.kind}`);

		const groups = [...new Set(figures.map((fault) => fault.group))];
		const header = ['group', 'cases', 'silent successes', 'duplicates', 'orphans', 'leaks'];
		const rows = [...groups, 'total'].map((group) => {
			const members =
				group === 'total' ? figures : figures.filter((fault) => fault.group === group);
			return [
				group,
				String(members.length),
				...COUNTS.map((count) => String(members.reduce((sum, fault) => sum + fault[count], 0))),
			];
		});
		const widths = header.map((title, column) =>
			Math.max(title.length, ...rows.map((row) => row[column].length)),
		);
		const format = (row: string[]) =>
			row
				.map((cell, column) =>
					column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
				)
				.join('  ');
		print();
		print(format(header));
		for (const row of rows) print(format(row));
		process.stdout.write(`${lines.join('\n')}\n`);
	}
}
