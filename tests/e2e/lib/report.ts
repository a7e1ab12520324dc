/** Checks every workflow run must pass, and a readable summary of a run (for the demo). */
import { describeExecute, type ExecuteResult, type N8nItem, type RawRun } from './n8n';
import type { WorkflowNode } from './workflows';

function tail(text: string, lines = 25): string {
	return text.split('\n').slice(-lines).join('\n');
}

/**
 * Why a run is not a success, or undefined: `n8n execute` exited 0 and printed the run, the
 * workflow has no error, and every enabled node (sticky notes aside) ran without failing.
 * With `noErrorItems`, an item carrying `json.error` (a Continue On Fail error) also counts.
 */
export function runProblem(
	nodes: WorkflowNode[],
	result: ExecuteResult,
	options: { noErrorItems?: boolean } = {},
): string | undefined {
	const run = result.run;
	if (result.exitCode !== 0 || !run) {
		return `n8n execute failed (${describeExecute(result)}):\n${tail(result.log)}`;
	}
	return runDataProblem(nodes, run, options);
}

/** The part of runProblem that looks at the execution itself, however it was run (CLI, webhook, queue). */
export function runDataProblem(
	nodes: WorkflowNode[],
	run: RawRun,
	options: { noErrorItems?: boolean } = {},
): string | undefined {
	const resultData = run.data?.resultData;
	if (resultData?.error)
		return `the workflow failed: ${resultData.error.message ?? JSON.stringify(resultData.error)}`;
	for (const node of nodes) {
		if (node.disabled || node.type === 'n8n-nodes-base.stickyNote') continue;
		const runs = resultData.runData[node.name];
		if (!runs || runs.length === 0) {
			return `node "${node.name}" did not run (ran: ${Object.keys(resultData.runData).join(', ')})`;
		}
		const last = runs[runs.length - 1];
		if (last.error)
			return `node "${node.name}" failed: ${last.error.message ?? ''} ${last.error.description ?? ''}`.trim();
		if (options.noErrorItems) {
			const errorItem = (last.data?.main ?? [])
				.flat()
				.find((item) => item && typeof item.json?.error === 'string');
			if (errorItem)
				return `node "${node.name}" output an error item: ${JSON.stringify(errorItem.json).slice(0, 500)}`;
		}
	}
	return undefined;
}

function describeBinary(item: N8nItem): string[] {
	return Object.entries(item.binary ?? {}).map(
		([key, b]) =>
			`binary "${key}": ${b.fileName ?? '(no name)'}, ${b.mimeType ?? '?'}, ${b.fileSize ?? '?'}`,
	);
}

function indentJson(value: unknown, maxLines: number): string[] {
	const lines = JSON.stringify(value, null, 2).split('\n');
	if (lines.length <= maxLines) return lines;
	return [...lines.slice(0, maxLines - 1), `  … (${lines.length - maxLines + 1} more lines)`];
}

/** Node by node: how many items, the first item's JSON (shortened), any binary data. */
export function formatRun(nodes: WorkflowNode[], result: ExecuteResult, maxLines = 14): string {
	const out: string[] = [];
	const runData = result.run?.data?.resultData?.runData ?? {};
	for (const node of nodes) {
		if (node.type === 'n8n-nodes-base.manualTrigger' || node.type === 'n8n-nodes-base.stickyNote')
			continue;
		const runs = runData[node.name];
		if (!runs || runs.length === 0) {
			out.push(`  ${node.name}: did not run`);
			continue;
		}
		const last = runs[runs.length - 1];
		if (last.error) {
			out.push(`  ${node.name}: FAILED: ${last.error.message ?? ''}`);
			continue;
		}
		const items = (last.data?.main?.[0] ?? []) as N8nItem[];
		out.push(`  ${node.name} → ${items.length} item${items.length === 1 ? '' : 's'}`);
		const first = items[0];
		if (!first) continue;
		for (const line of describeBinary(first)) out.push(`      ${line}`);
		if (Object.keys(first.json).length > 0) {
			for (const line of indentJson(first.json, maxLines)) out.push(`      ${line}`);
		}
		if (items.length > 1)
			out.push(`      (+ ${items.length - 1} more item${items.length === 2 ? '' : 's'})`);
	}
	return out.join('\n');
}
