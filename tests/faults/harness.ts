/**
 * Runs a fault case through the node in n8n's engine and measures what a user would check: the
 * items or the error, the execution hints, what was printed, and whether the API key shows up in
 * any of them. Each case records its figures on the test (`task.meta.fault`) for `faults:report`.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import type { TestContext } from 'vitest';
import { expect } from 'vitest';

import type { RunResult } from '../support/engine';
import { loadPackage, runNode } from '../support/engine';

export const API_KEY = 'fault_suite_secret_key_7f3a9c2e51';

export interface FaultFigures {
	/** The group the case counts under in the report, e.g. `redirect`. */
	group: string;
	/** What was injected or given, e.g. `POST redirected to another origin`. */
	kind: string;
	/** Items that succeeded although Appwrite did not do what they say. */
	silentSuccesses: number;
	/** Records beyond those the items asked for. */
	duplicates: number;
	/** Incomplete uploads no message names. */
	orphans: number;
	/** Places the API key appeared: messages, descriptions, items, hints, printed output, other servers. */
	leaks: number;
}

declare module 'vitest' {
	interface TaskMeta {
		fault?: FaultFigures;
	}
}

export interface Observed {
	status: string;
	error?: { message: string; description?: string | null; httpCode?: string | null };
	items: INodeExecutionData[];
	hints: string[];
	printed: string;
	/** Everything a user can see, as one text, for the key check. */
	visible: string;
}

/** Captures what the code under test prints while `action` runs. */
async function capturePrinted<T>(action: () => Promise<T>): Promise<{ value: T; printed: string }> {
	const printed: string[] = [];
	const streams = [process.stdout, process.stderr];
	const writes = streams.map((stream) => stream.write);
	const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
	const originals = methods.map((method) => console[method]);
	for (const stream of streams) {
		stream.write = ((chunk: unknown) => {
			printed.push(String(chunk));
			return true;
		}) as typeof stream.write;
	}
	for (const method of methods)
		console[method] = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
	try {
		return { value: await action(), printed: printed.join('') };
	} finally {
		streams.forEach((stream, index) => (stream.write = writes[index]));
		methods.forEach((method, index) => (console[method] = originals[index]));
	}
}

export async function observe(options: Parameters<typeof runNode>[0]): Promise<Observed> {
	const { value: result, printed } = await capturePrinted(() => runNode(options));
	return describeRun(result, printed);
}

function describeRun(result: RunResult, printed: string): Observed {
	const error = result.error as Observed['error'] | undefined;
	const hints = (result.runData.Appwrite?.[0]?.hints ?? []).map((hint) => hint.message);
	const items = result.output();
	return {
		status: result.status,
		error: error && {
			message: error.message,
			description: error.description,
			httpCode: error.httpCode,
		},
		items,
		hints,
		printed,
		visible: JSON.stringify({ error: result.error, items, hints, printed }),
	};
}

/** The credential test n8n's editor runs, as the nodes declare it. */
export async function credentialTest(
	data: Record<string, unknown>,
): Promise<{ status: string; message: string; printed: string }> {
	const loader = await loadPackage();
	const node = loader.getNode('appwriteUsers').type as INodeType;
	const test = node.methods?.credentialTest?.appwriteApiTest as (
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	) => Promise<{ status: string; message: string }>;
	const credential = {
		id: '1',
		name: 'Appwrite',
		type: 'appwriteApi',
		data,
	} as ICredentialsDecrypted;
	const { value, printed } = await capturePrinted(() =>
		test.call({} as ICredentialTestFunctions, credential),
	);
	return { ...value, printed };
}

export function occurrences(text: string, secret = API_KEY): number {
	return text.split(secret).length - 1;
}

/** Records the case's figures and requires each to be zero. */
export function record(task: TestContext['task'], figures: FaultFigures): void {
	task.meta.fault = figures;
	expect({
		silentSuccesses: figures.silentSuccesses,
		duplicates: figures.duplicates,
		orphans: figures.orphans,
		leaks: figures.leaks,
	}).toEqual({
		silentSuccesses: 0,
		duplicates: 0,
		orphans: 0,
		leaks: 0,
	});
}
