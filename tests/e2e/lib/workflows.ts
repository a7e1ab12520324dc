/**
 * Loads the workflow JSON files (and, for the e2e test, their expectations) and checks the rules
 * every one must follow: a fixed id of 16 letters/digits, unique; a Manual Trigger to start from;
 * credentials that refer to the fixed stand-in credential.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { Expectation } from './expect';
import { PACKAGE_NAME } from './paths';

/** The credential every workflow uses; the scripts import it pointing at the stand-in. */
export const STANDIN_CREDENTIAL = {
	id: 'e2eAppwriteCred1',
	name: 'Appwrite (local stand-in)',
	type: 'appwriteApi',
} as const;

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion?: number;
	disabled?: boolean;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
	continueOnFail?: boolean;
	/** Webhook and trigger nodes: the id n8n registers the node's webhook under. */
	webhookId?: string;
}

export interface WorkflowFile {
	/** File name without `.json`. */
	file: string;
	path: string;
	json: {
		id: string;
		name: string;
		nodes: WorkflowNode[];
		connections: object;
		[key: string]: unknown;
	};
}

export interface WorkflowCase extends WorkflowFile {
	expectation: Expectation;
}

const ID_PATTERN = /^[A-Za-z0-9]{16}$/;

export function loadWorkflowFiles(dir: string, filter?: string): WorkflowFile[] {
	if (!existsSync(dir)) return [];
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
	const loaded = files.map((f) => {
		const path = join(dir, f);
		let json: WorkflowFile['json'];
		try {
			json = JSON.parse(readFileSync(path, 'utf8')) as WorkflowFile['json'];
		} catch (error) {
			throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
		}
		return { file: basename(f, '.json'), path, json };
	});
	validate(loaded);
	return filter ? loaded.filter((w) => w.file.includes(filter) || w.json.id === filter) : loaded;
}

function validate(workflows: WorkflowFile[]): void {
	const problems: string[] = [];
	const seen = new Map<string, string>();
	for (const { file, json } of workflows) {
		if (!ID_PATTERN.test(json.id ?? ''))
			problems.push(`${file}: "id" must be 16 letters/digits, got ${JSON.stringify(json.id)}`);
		const other = seen.get(json.id);
		if (other) problems.push(`${file}: id ${json.id} is also used by ${other}`);
		seen.set(json.id, file);
		if (!json.name) problems.push(`${file}: "name" is missing`);
		if (!Array.isArray(json.nodes)) {
			problems.push(`${file}: "nodes" is missing`);
			continue;
		}
		if (
			!json.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger') &&
			!isTriggerWorkflow({ json })
		) {
			problems.push(
				`${file}: must start from an n8n-nodes-base.manualTrigger node or a trigger of this package`,
			);
		}
		for (const node of json.nodes) {
			const cred = node.credentials?.appwriteApi;
			if (
				node.type.startsWith(`${PACKAGE_NAME}.`) &&
				(!cred || cred.id !== STANDIN_CREDENTIAL.id)
			) {
				problems.push(
					`${file}: node "${node.name}" must use the credential ${JSON.stringify({ appwriteApi: { id: STANDIN_CREDENTIAL.id, name: STANDIN_CREDENTIAL.name } })}`,
				);
			}
		}
	}
	if (problems.length > 0) throw new Error(`Invalid workflow files:\n  ${problems.join('\n  ')}`);
}

/** `<dir>/<name>.expect.ts` of a workflow, if there is one. */
async function loadExpectation(dir: string, wf: WorkflowFile): Promise<Expectation | undefined> {
	const expectPath = join(dir, `${wf.file}.expect.ts`);
	if (!existsSync(expectPath)) return undefined;
	const mod = (await import(expectPath)) as { default?: Expectation | { default?: Expectation } };
	const expectation = (
		mod.default && 'default' in mod.default ? mod.default.default : mod.default
	) as Expectation | undefined;
	if (!expectation || typeof expectation.check !== 'function') {
		throw new Error(`${expectPath} must \`export default defineExpectation({...})\``);
	}
	if (!wf.json.nodes.some((n) => n.name === expectation.node)) {
		throw new Error(`${expectPath}: node "${expectation.node}" is not in ${wf.file}.json`);
	}
	return expectation;
}

/** Workflows plus their `<name>.expect.ts`; a workflow without one is an error. */
export async function loadWorkflowCases(dir: string, filter?: string): Promise<WorkflowCase[]> {
	const cases: WorkflowCase[] = [];
	const missing: string[] = [];
	for (const wf of loadWorkflowFiles(dir, filter)) {
		const expectation = await loadExpectation(dir, wf);
		if (expectation) cases.push({ ...wf, expectation });
		else missing.push(`${wf.file}.expect.ts`);
	}
	if (missing.length > 0)
		throw new Error(`Workflows without an expectation file in ${dir}: ${missing.join(', ')}`);
	return cases;
}

/** An example workflow of `npm start`, with the checks of its `<name>.expect.ts` when it has one. */
export type ExampleCase = WorkflowFile & { expectation?: Expectation };

/** The examples (expectation files optional: without one, an example passes when every node runs without an error). */
export async function loadExampleCases(dir: string): Promise<ExampleCase[]> {
	return await Promise.all(
		loadWorkflowFiles(dir).map(async (wf) => ({
			...wf,
			expectation: await loadExpectation(dir, wf),
		})),
	);
}

/** A workflow started by one of this package's triggers: it runs once activated, not with `n8n execute`. */
export function isTriggerWorkflow(workflow: Pick<WorkflowFile, 'json'>): boolean {
	return workflow.json.nodes.some(
		(n) => n.type.startsWith(`${PACKAGE_NAME}.`) && n.type.endsWith('Trigger'),
	);
}

/** Node types of this package used by the workflows (`<package>.<node>`). */
export function packageNodeTypesUsed(workflows: WorkflowFile[]): Set<string> {
	const types = new Set<string>();
	for (const wf of workflows) {
		for (const node of wf.json.nodes)
			if (node.type.startsWith(`${PACKAGE_NAME}.`)) types.add(node.type);
	}
	return types;
}

/** `dist/generated/nodes/AppwriteUsers/AppwriteUsers.node.js` → `n8n-nodes-appwrite-suite.appwriteUsers`. */
export function nodeTypeOfFile(file: string): string {
	const className = basename(file).replace(/\.node\.js$/, '');
	return `${PACKAGE_NAME}.${className.charAt(0).toLowerCase()}${className.slice(1)}`;
}
