/**
 * The pickers and the AI tool variants in the real n8n (`n8n start`), through the REST calls the
 * editor makes:
 *
 * - every "From list" search of every node (`POST /rest/dynamic-node-parameters/
 *   resource-locator-results`, as the editor sends it when a list opens) returns choices from the
 *   stand-in, and the stand-in got the list under the parents' IDs (dependent lists);
 * - every action node has its tool variant (`<node>Tool` in `GET /types/nodes.json`), which n8n
 *   builds for `usableAsTool` nodes.
 *
 * A workflow with IDs picked From list and By URL (workflows/pickers-modes.json) and one where a
 * `$fromAI()` value fills a tool's parameter (workflows/tool-fromai.json) run with the others.
 */
import { assert } from './expect';
import type { RestClient } from './n8n';
import type { Setup } from './setup';

const PACKAGE = 'n8n-nodes-appwrite-suite';

interface Mode {
	name: string;
	typeOptions?: { searchListMethod?: string };
}

interface Property {
	name: string;
	type: string;
	displayOptions?: { show?: Record<string, unknown[]> };
	typeOptions?: { loadOptionsDependsOn?: string[] };
	modes?: Mode[];
	options?: unknown[];
}

interface NodeDescription {
	name: string;
	version: number | number[];
	properties: Property[];
}

export interface PickerCheckContext {
	setup: Setup;
	client: RestClient;
	check(name: string, body: () => Promise<string | void>): Promise<void>;
}

interface Picker {
	method: string;
	/** The field's path as the editor sends it, e.g. `parameters.tableId`. */
	path: string;
	field: Property;
}

/** One field per list search of a node: top-level, or inside Additional Fields. */
function pickersOf(node: NodeDescription): Picker[] {
	const found = new Map<string, Picker>();
	const visit = (property: Property, prefix: string) => {
		const method = property.modes?.find((mode) => mode.typeOptions?.searchListMethod)?.typeOptions
			?.searchListMethod;
		if (method && !found.has(method))
			found.set(method, { method, path: `${prefix}${property.name}`, field: property });
		if (property.type === 'collection')
			for (const option of (property.options ?? []) as Property[])
				visit({ ...option, displayOptions: property.displayOptions }, `${prefix}${property.name}.`);
	};
	for (const property of node.properties) visit(property, 'parameters.');
	return [...found.values()];
}

const rl = (value: string) => ({ __rl: true, mode: 'list', value });

function latest(version: number | number[]): number {
	return Array.isArray(version) ? Math.max(...version) : version;
}

export async function checkPickers(context: PickerCheckContext): Promise<void> {
	const { client, setup, check } = context;
	const types = await client.request<NodeDescription[]>('GET', '//types/nodes.json');
	const all = types.raw as NodeDescription[];
	const ours = all.filter((node) => node.name.startsWith(`${PACKAGE}.`));
	const actionNodes = ours.filter((node) => !/Trigger$|Tool$/.test(node.name));

	await check(
		`tools: every action node (${actionNodes.length}) has its AI tool variant in n8n`,
		async () => {
			const names = new Set(ours.map((node) => node.name));
			const missing = actionNodes
				.filter((node) => !names.has(`${node.name}Tool`))
				.map((node) => node.name);
			assert.deepEqual(missing, [], `no tool variant for ${missing.join(', ')}`);
		},
	);

	// The stand-in keeps webhooks as Appwrite does (empty at this point): one made "in the console" for
	// the Webhooks picker to list, removed afterwards.
	const hook = { method: 'POST', path: '/v1/webhooks', query: new URLSearchParams() };
	setup.appwrite.handle({
		...hook,
		json: {
			webhookId: 'e2e-picked-hook',
			name: 'Picked hook',
			url: 'http://127.0.0.1:9/hook',
			events: ['users.*.create'],
		},
	});
	try {
		await checkNodePickers(context, actionNodes);
		await checkPickerOnlyParent(context, actionNodes);
	} finally {
		setup.appwrite.handle({ ...hook, method: 'DELETE', path: '/v1/webhooks/e2e-picked-hook' });
	}
}

/** A list search as the editor asks for it when a From list opens. */
async function listSearch(
	{ client, setup }: PickerCheckContext,
	node: NodeDescription,
	picker: Pick<Picker, 'method' | 'path'>,
	parameters: Record<string, unknown>,
) {
	return await client.request<{
		results?: Array<{ name: unknown; value: unknown }>;
		paginationToken?: unknown;
	}>('POST', '/dynamic-node-parameters/resource-locator-results', {
		path: picker.path,
		nodeTypeAndVersion: { name: node.name, version: latest(node.version) },
		currentNodeParameters: parameters,
		methodName: picker.method,
		credentials: { appwriteApi: { id: setup.credential.id, name: setup.credential.name } },
		filter: '',
	});
}

/** A file token is listed per bucket and file, which Get takes as picker-only fields: an empty one is named. */
async function checkPickerOnlyParent(
	context: PickerCheckContext,
	actionNodes: NodeDescription[],
): Promise<void> {
	const { setup, check } = context;
	const tokens = actionNodes.find((node) => node.name === `${PACKAGE}.appwriteTokens`);
	await check(
		'pickers: the file tokens From list names the empty picker-only File ID',
		async () => {
			assert.ok(tokens, 'no Appwrite Tokens node');
			const mark = setup.gate.lastSeq();
			const response = await listSearch(
				context,
				tokens,
				{ method: 'searchFileToken', path: 'parameters.tokenId' },
				{ resource: 'token', operation: 'get', bucketId: rl('e2e-bucket'), fileId: rl('') },
			);
			const answer = JSON.stringify(response.raw);
			assert.notEqual(response.status, 200, `answered 200: ${answer.slice(0, 400)}`);
			assert.ok(
				answer.includes('Fill in File ID first'),
				`the answer does not name File ID: ${answer.slice(0, 400)}`,
			);
			assert.equal(setup.gate.since(mark).length, 0, 'the list asked Appwrite anyway');
			return `answered ${response.status}: ${answer.slice(0, 160)}`;
		},
	);
}

/** Every list search of every action node returns choices from the stand-in, under the parents' IDs. */
async function checkNodePickers(
	context: PickerCheckContext,
	actionNodes: NodeDescription[],
): Promise<void> {
	const { setup, check } = context;
	for (const node of actionNodes) {
		for (const picker of pickersOf(node)) {
			const parents = (picker.field.typeOptions?.loadOptionsDependsOn ?? []).map((name) =>
				name.replace(/\.value$/, ''),
			);
			const show = picker.field.displayOptions?.show ?? {};
			const parameters: Record<string, unknown> = {
				resource: show.resource?.[0],
				operation: show.operation?.[0],
				...Object.fromEntries(
					parents.map((parent) => [parent, rl(`e2e-${parent.replace(/Id$/, '')}`)]),
				),
			};
			const short = node.name.slice(PACKAGE.length + 1);
			await check(`pickers: ${short} ${picker.method} lists choices from Appwrite`, async () => {
				const mark = setup.gate.lastSeq();
				const response = await listSearch(context, node, picker, parameters);
				assert.equal(
					response.status,
					200,
					`answered ${response.status}: ${JSON.stringify(response.raw).slice(0, 400)}`,
				);
				const results = response.data.results ?? [];
				assert.ok(results.length > 0, `no choices: ${JSON.stringify(response.raw).slice(0, 400)}`);
				for (const result of results)
					assert.ok(
						typeof result.name === 'string' &&
							typeof result.value === 'string' &&
							result.value !== '',
						`a choice without name or ID: ${JSON.stringify(result)}`,
					);
				const calls = setup.gate.since(mark).filter((exchange) => exchange.method === 'GET');
				assert.equal(
					calls.length,
					1,
					`expected one list call, got ${calls.map((exchange) => exchange.path).join(', ')}`,
				);
				for (const parent of parents)
					assert.ok(
						calls[0].path.includes(`/e2e-${parent.replace(/Id$/, '')}`),
						`${calls[0].path} lacks the ${parent} picked`,
					);
				return `${results.length} choice(s), e.g. "${String(results[0].name)}", from ${calls[0].path.split('?')[0]}`;
			});
		}
	}
}
