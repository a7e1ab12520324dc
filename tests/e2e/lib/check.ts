/** Runs a workflow's expectation (workflows/<name>.expect.ts) on one finished run, however it was run. */
import { multipartPart, type CheckContext } from './expect';
import type { Exchange } from './keygate';
import { nodeItems, type N8nItem, type RawRun } from './n8n';
import { errorText } from './tally';
import type { WorkflowCase } from './workflows';

/** The bytes of an item's binary property, wherever the instance keeps them. */
export type BinaryReader = (item: N8nItem, property?: string) => Buffer | undefined;

/** Undefined when the expectation holds; otherwise why not, with the checked node's first items. */
export async function checkExpectation(
	wf: WorkflowCase,
	run: RawRun,
	binaryOf: BinaryReader,
	traffic: Exchange[],
): Promise<string | undefined> {
	const items = nodeItems(run, wf.expectation.node) ?? [];
	const context: CheckContext = {
		items,
		json: items.map((i) => i.json),
		run,
		itemsOf: (nodeName) => nodeItems(run, nodeName) ?? [],
		binaryOf,
		traffic,
		multipartPart,
	};
	try {
		await wf.expectation.check(context);
		return undefined;
	} catch (error) {
		const shown = JSON.stringify(
			items.slice(0, 3).map((i) => ({ json: i.json, binary: i.binary })),
			null,
			2,
		);
		return `${errorText(error)}\n${wf.expectation.node} output (first 3 items):\n${shown.slice(0, 3000)}`;
	}
}
