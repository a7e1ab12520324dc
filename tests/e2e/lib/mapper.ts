/**
 * The row mapper in the real n8n, through the REST calls the editor makes: the resource mapper's
 * fields (`POST /rest/dynamic-node-parameters/resource-mapper-fields`) come back typed from the
 * stand-in's columns of shop/orders, and are the schema the e2e workflow `tablesdb-row-mapper`
 * was saved with (that workflow's run checks that the row reached Appwrite with typed values);
 * the query builder's column dropdown (`…/options`) lists the same columns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assert } from './expect';
import type { RestClient } from './n8n';
import { WORKFLOWS_DIR } from './paths';
import { STANDIN_COLUMNS, STANDIN_TABLE, type Setup } from './setup';

const NODE_TYPE = 'n8n-nodes-appwrite-suite.appwriteTablesDb';

interface MapperField {
	id: string;
	type?: string;
	required: boolean;
	options?: Array<{ value: unknown }>;
	defaultValue?: unknown;
}

/** What the editor sends for a dynamic parameter of a TablesDB Row → Create node. */
function requestOf(setup: Setup, path: string, methodName: string) {
	return {
		nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
		currentNodeParameters: {
			resource: 'row',
			operation: 'create',
			...STANDIN_TABLE,
			dataInput: 'map',
			columns: { mappingMode: 'defineBelow', value: null },
		},
		path,
		methodName,
		credentials: { appwriteApi: { id: setup.credential.id, name: setup.credential.name } },
	};
}

function savedSchema(): MapperField[] {
	const workflow = JSON.parse(
		readFileSync(join(WORKFLOWS_DIR, 'tablesdb-row-mapper.json'), 'utf8'),
	) as {
		nodes: Array<{ name: string; parameters: { columns?: { schema: MapperField[] } } }>;
	};
	const node = workflow.nodes.find((entry) => entry.name === 'Create Row');
	return node?.parameters.columns?.schema ?? [];
}

const shape = (fields: MapperField[]) =>
	fields.map((field) => ({
		id: field.id,
		type: field.type,
		required: field.required,
		options: field.options?.map((option) => option.value),
		defaultValue: field.defaultValue,
	}));

export async function checkRowMapper(
	setup: Setup,
	client: RestClient,
	check: (name: string, body: () => Promise<string | void>) => Promise<void>,
): Promise<void> {
	await check(
		"row mapper: the editor's resource-mapper-fields call lists the table's columns, typed",
		async () => {
			const response = await client.request<{ fields: MapperField[] }>(
				'POST',
				'/dynamic-node-parameters/resource-mapper-fields',
				requestOf(setup, 'parameters.columns', 'getColumns'),
			);
			assert.equal(
				response.status,
				200,
				`answered ${response.status}: ${JSON.stringify(response.raw).slice(0, 500)}`,
			);
			const fields = response.data.fields;
			assert.deepEqual(
				fields.map((field) => [field.id, field.type, field.required]),
				[
					['customer', 'string', true],
					['total', 'number', true],
					['items', 'number', false],
					['paid', 'boolean', false],
					['status', 'options', false],
					['tags', 'array', false],
					['placedAt', 'dateTime', false],
				],
			);
			assert.deepEqual(
				fields.find((field) => field.id === 'status')?.options?.map((option) => option.value),
				['open', 'shipped'],
			);
			// An optional switch starts empty, so an untouched one is not sent.
			assert.equal(fields.find((field) => field.id === 'paid')?.defaultValue, null);
			const listed = setup.gate.exchanges.filter((e) =>
				e.path.startsWith('/v1/tablesdb/shop/tables/orders/columns'),
			);
			assert.ok(listed.length > 0, 'n8n did not ask the stand-in for the columns');
			// The e2e workflow that creates a row through mapped columns was saved with exactly these fields.
			assert.deepEqual(
				shape(savedSchema()),
				shape(fields),
				'workflows/tablesdb-row-mapper.json holds another schema',
			);
			return `${fields.length} columns`;
		},
	);

	await check(
		"row mapper: the query builder's options call lists the table's columns",
		async () => {
			const response = await client.request<Array<{ value: string }>>(
				'POST',
				'/dynamic-node-parameters/options',
				{
					...requestOf(
						setup,
						'parameters.additionalFields.queries.conditions[0].attribute',
						'getColumnNames',
					),
					currentNodeParameters: { resource: 'row', operation: 'getAll', ...STANDIN_TABLE },
				},
			);
			assert.equal(
				response.status,
				200,
				`answered ${response.status}: ${JSON.stringify(response.raw).slice(0, 500)}`,
			);
			assert.deepEqual(
				response.data.map((option) => option.value),
				[...STANDIN_COLUMNS.map((column) => String(column.key)), '$id', '$createdAt', '$updatedAt'],
			);
		},
	);
}
