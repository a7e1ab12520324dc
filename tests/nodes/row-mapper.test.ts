/**
 * Column-aware rows: the resource mapper's fields as the editor loads them (n8n-core's
 * LoadOptionsContext), and rows written through mapped columns by n8n's engine and node-appwrite,
 * against the recording stub. Also the query builder's column dropdown.
 */
import type { ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { appwriteCredentials, runNode } from '../support/engine';
import type { RecordedRequest } from '../support/stub-server';
import { StubServer } from '../support/stub-server';
import { TriggerHarness } from '../support/trigger-engine';

const API_KEY = 'row-mapper-test-key-5c1d';
let stub: StubServer;

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

const credentials = () => appwriteCredentials(stub.endpoint, API_KEY);

const COLUMNS_PATH = '/v1/tablesdb/shop/tables/orders/columns';
const ROWS_PATH = '/v1/tablesdb/shop/tables/orders/rows';

/** An `orders` table with one column of each kind Appwrite has, and one being deleted. */
const COLUMNS = [
	{ key: 'name', type: 'string', status: 'available', required: true, array: false, size: 100 },
	{ key: 'price', type: 'double', status: 'available', required: false, array: false },
	{ key: 'qty', type: 'integer', status: 'available', required: true, array: false },
	{ key: 'paid', type: 'boolean', status: 'available', required: false, array: false },
	{
		key: 'status',
		type: 'string',
		format: 'enum',
		elements: ['open', 'closed'],
		status: 'available',
		required: false,
	},
	{ key: 'tags', type: 'string', status: 'available', required: false, array: true },
	{ key: 'placedAt', type: 'datetime', status: 'available', required: false, array: false },
	{
		key: 'customer',
		type: 'relationship',
		relationType: 'manyToOne',
		side: 'parent',
		status: 'available',
		required: false,
	},
	{
		key: 'lines',
		type: 'relationship',
		relationType: 'oneToMany',
		side: 'parent',
		status: 'available',
		required: false,
	},
	{ key: 'location', type: 'point', status: 'available', required: false },
	{ key: 'contact', type: 'string', format: 'email', status: 'available', required: false },
	{ key: 'old', type: 'string', status: 'deleting', required: false },
];

function answerColumns() {
	stub.on('GET', COLUMNS_PATH, { json: { total: COLUMNS.length, columns: COLUMNS } });
}

async function tablesDb(parameters: Record<string, unknown>) {
	return await TriggerHarness.create({
		type: 'appwriteTablesDb',
		parameters: { resource: 'row', databaseId: 'shop', tableId: 'orders', ...parameters },
		credentials: credentials(),
	});
}

/** The fields the editor loads for an action, as it saves them in the mapper's schema. */
async function schemaFor(operation: string): Promise<ResourceMapperField[]> {
	answerColumns();
	const { fields } = await (await tablesDb({ operation })).resourceMapping('getColumns');
	stub.reset();
	return fields;
}

function queriesOf(request: RecordedRequest) {
	return [...request.query.entries()]
		.filter(([name]) => name.startsWith('queries'))
		.map(([, value]) => JSON.parse(value) as unknown);
}

function field(fields: ResourceMapperFields['fields'], id: string) {
	return fields.find((entry) => entry.id === id);
}

async function runRows(
	parameters: Record<string, unknown>,
	items = [{ json: {} }],
	continueOnFail = false,
) {
	return await runNode({
		type: 'appwriteTablesDb',
		parameters: { resource: 'row', databaseId: 'shop', tableId: 'orders', ...parameters },
		credentials: credentials(),
		items,
		continueOnFail,
	});
}

function echoRow(status = 201) {
	return (request: { json?: unknown }) => ({
		status,
		json: { $id: 'r1', ...(request.json as object) },
	});
}

describe('the row mapper loads the table columns', () => {
	it('as typed fields with required flags and enum choices, skipping a column being deleted', async () => {
		answerColumns();
		const { fields } = await (
			await tablesDb({ operation: 'create' })
		).resourceMapping('getColumns');
		expect(fields.map((entry) => [entry.id, entry.type, entry.required])).toEqual([
			['name', 'string', true],
			['price', 'number', false],
			['qty', 'number', true],
			['paid', 'boolean', false],
			['status', 'options', false],
			['tags', 'array', false],
			['placedAt', 'dateTime', false],
			['customer', 'string', false],
			['lines', 'array', false],
			['location', 'array', false],
			['contact', 'string', false],
		]);
		expect(field(fields, 'status')?.options).toEqual([
			{ name: 'open', value: 'open' },
			{ name: 'closed', value: 'closed' },
		]);
		expect(field(fields, 'location')?.displayName).toBe('location (point: [longitude, latitude])');
		expect(field(fields, 'lines')?.displayName).toBe('lines (relationship: IDs of related rows)');
		expect(field(fields, 'contact')?.displayName).toBe('contact (email)');
		// An optional switch starts empty rather than off, so leaving it alone sends nothing.
		expect(field(fields, 'paid')?.defaultValue).toBeNull();
		const [request] = stub.requests;
		expect(request.path).toBe(COLUMNS_PATH);
		expect(request.headers['x-appwrite-key']).toBe(API_KEY);
		expect(queriesOf(request)).toEqual([
			{ method: 'limit', values: [100] },
			{ method: 'offset', values: [0] },
		]);
	});

	it('requires no column for an update, and offers $id for bulk writes (required for upsert)', async () => {
		answerColumns();
		const update = await (await tablesDb({ operation: 'update' })).resourceMapping('getColumns');
		expect(update.fields.filter((entry) => entry.required)).toEqual([]);
		const createMany = await (
			await tablesDb({ operation: 'createMany' })
		).resourceMapping('getColumns');
		expect(createMany.fields[0]).toMatchObject({ id: '$id', required: false, type: 'string' });
		const upsertMany = await (
			await tablesDb({ operation: 'upsertMany' })
		).resourceMapping('getColumns');
		expect(upsertMany.fields[0]).toMatchObject({ id: '$id', required: true });
	});

	it('asks nothing of Appwrite until a table is chosen', async () => {
		const result = await (
			await tablesDb({ operation: 'create', tableId: '' })
		).resourceMapping('getColumns');
		expect(result.fields).toEqual([]);
		expect(stub.requests).toEqual([]);
	});

	it('names the missing scope when the key cannot read the table', async () => {
		stub.error(
			'GET',
			COLUMNS_PATH,
			401,
			'general_unauthorized_scope',
			'app (role: applications) missing scopes (["tables.read"])',
		);
		const failure = await (await tablesDb({ operation: 'create' }))
			.resourceMapping('getColumns')
			.then(
				() => undefined,
				(error: unknown) => error as { message: string; description?: string },
			);
		expect(failure?.message).toContain('tables.read');
		expect(failure?.description).toMatch(/lacks the scope/);
		expect(JSON.stringify(failure)).not.toContain(API_KEY);
	});
});

describe('a row written through mapped columns', () => {
	it('reaches Appwrite with each value converted to its column type', async () => {
		const schema = await schemaFor('create');
		stub.on('POST', ROWS_PATH, echoRow());
		// Typed into the editor (a number, an option) or from expressions (text from a sheet, say).
		const result = await runRows(
			{
				operation: 'create',
				rowId: 'r1',
				dataInput: 'map',
				columns: {
					mappingMode: 'defineBelow',
					schema,
					value: {
						name: 'Ann',
						price: '={{ $json.price }}',
						qty: 3,
						paid: null,
						status: 'open',
						tags: '={{ $json.tags }}',
						placedAt: '2026-01-02T03:04:05.000Z',
						customer: 'c1',
						lines: '={{ $json.lines }}',
						location: '={{ $json.location }}',
						contact: null,
					},
				},
			},
			[
				{
					json: { price: '12.5', tags: 'gift, rush', lines: ['l1', 'l2'], location: '[1.5, 2.5]' },
				},
			],
		);
		expect(stub.requests).toHaveLength(1);
		expect(stub.requests[0].json).toEqual({
			rowId: 'r1',
			data: {
				name: 'Ann',
				price: 12.5,
				qty: 3,
				status: 'open',
				tags: ['gift', 'rush'],
				placedAt: '2026-01-02T03:04:05.000Z',
				customer: 'c1',
				lines: ['l1', 'l2'],
				location: [1.5, 2.5],
			},
		});
		expect(result.output()[0].json).toMatchObject({ $id: 'r1' });
	});

	it('sends an optional switch only when set: left alone it is not sent, turned off it is false', async () => {
		const schema = await schemaFor('update');
		stub.on('PATCH', `${ROWS_PATH}/r1`, echoRow(200));
		const columns = (paid: boolean | null) => ({
			mappingMode: 'defineBelow',
			schema,
			value: { name: null, price: 5, paid },
		});
		await runRows({ operation: 'update', rowId: 'r1', dataInput: 'map', columns: columns(null) });
		await runRows({ operation: 'update', rowId: 'r1', dataInput: 'map', columns: columns(false) });
		expect(stub.requests.map((request) => request.json)).toEqual([
			{ data: { price: 5 } },
			{ data: { price: 5, paid: false } },
		]);
	});

	it('fails an item before any request, naming the column, and with Continue On Fail writes the others', async () => {
		const schema = await schemaFor('create');
		stub.on('POST', ROWS_PATH, echoRow());
		const parameters = {
			operation: 'create',
			rowId: '',
			dataInput: 'map',
			columns: {
				mappingMode: 'defineBelow',
				schema,
				value: { name: '={{ $json.name }}', qty: '={{ $json.qty }}' },
			},
		};
		const failed = await runRows(parameters, [{ json: { name: 'Ann', qty: 'three' } }]);
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toBe('The column "qty" expected a number, got "three" [item 0]');
		expect(stub.requests).toEqual([]);

		const result = await runRows(
			parameters,
			[{ json: { name: 'Ann', qty: 'three' } }, { json: { name: 'Bob', qty: 2 } }],
			true,
		);
		const output = result.output();
		expect(output).toHaveLength(2);
		expect(output[0].json.error).toBe('The column "qty" expected a number, got "three" [item 0]');
		expect(output[1].json).toMatchObject({ data: { name: 'Bob', qty: 2 } });
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(stub.requests).toHaveLength(1);
	});

	it('refuses a value outside an enum, and a required column left empty, before any request', async () => {
		const schema = await schemaFor('create');
		const enumRun = await runRows(
			{
				operation: 'create',
				rowId: 'r1',
				dataInput: 'map',
				columns: {
					mappingMode: 'defineBelow',
					schema,
					value: { name: 'Ann', qty: 1, status: '={{ $json.status }}' },
				},
			},
			[{ json: { status: 'lost' } }],
		);
		expect(enumRun.error?.message).toBe(
			'The column "status" "lost" is not one of open, closed [item 0]',
		);
		const requiredRun = await runRows({
			operation: 'create',
			rowId: 'r1',
			dataInput: 'map',
			columns: { mappingMode: 'defineBelow', schema, value: { name: null, qty: 1 } },
		});
		expect(requiredRun.error?.message).toBe('The column "name" is required but empty [item 0]');
		expect(stub.requests).toEqual([]);
	});

	it("maps automatically the input item's fields that are columns, converted", async () => {
		const schema = await schemaFor('create');
		stub.on('POST', ROWS_PATH, echoRow());
		await runRows(
			{
				operation: 'create',
				rowId: 'r9',
				dataInput: 'map',
				columns: { mappingMode: 'autoMapInputData', schema, value: null },
			},
			[
				{
					json: {
						name: 'Cy',
						qty: '4',
						paid: 'yes',
						note: 'not a column',
						$createdAt: '2026-01-01',
					},
				},
			],
		);
		expect(stub.requests[0].json).toEqual({
			rowId: 'r9',
			data: { name: 'Cy', qty: 4, paid: true },
		});
	});

	it('makes one row per input item in the bulk writes, with its $id', async () => {
		const schema = await schemaFor('upsertMany');
		stub.on('PUT', ROWS_PATH, (request) => ({
			json: { total: 1, rows: (request.json as { rows: unknown[] }).rows },
		}));
		const result = await runRows(
			{
				operation: 'upsertMany',
				rowsInput: 'map',
				columns: {
					mappingMode: 'defineBelow',
					schema,
					value: { $id: '={{ $json.id }}', name: '={{ $json.name }}', qty: '={{ $json.qty }}' },
				},
			},
			[{ json: { id: 'a', name: 'Ann', qty: '1' } }, { json: { id: 'b', name: 'Bob', qty: 2 } }],
		);
		expect(stub.requests.map((request) => request.json)).toEqual([
			{ rows: [{ $id: 'a', name: 'Ann', qty: 1 }] },
			{ rows: [{ $id: 'b', name: 'Bob', qty: 2 }] },
		]);
		expect(result.output()).toHaveLength(2);

		const many = await schemaFor('updateMany');
		stub.on('PATCH', ROWS_PATH, { json: { total: 3, rows: [] } });
		await runRows({
			operation: 'updateMany',
			dataInput: 'map',
			columns: {
				mappingMode: 'defineBelow',
				schema: many,
				value: { status: 'closed', paid: null },
			},
		});
		expect(stub.requests[0].json).toEqual({ data: { status: 'closed' } });
	});

	it('leaves a saved workflow with JSON row data unchanged', async () => {
		stub.on('POST', ROWS_PATH, echoRow());
		await runRows({ operation: 'create', rowId: 'r1', data: '{"name":"Ann","qty":"3"}' });
		await runRows({ operation: 'createMany', rows: '[{"$id":"a","name":"Ann"}]' });
		expect(stub.requests.map((request) => request.json)).toEqual([
			{ rowId: 'r1', data: { name: 'Ann', qty: '3' } },
			{ rows: [{ $id: 'a', name: 'Ann' }] },
		]);
	});
});

describe('legacy documents', () => {
	const ATTRIBUTES_PATH = '/v1/databases/shop/collections/orders/attributes';

	it('map the collection attributes the same way', async () => {
		stub.on('GET', ATTRIBUTES_PATH, {
			json: {
				total: 2,
				attributes: [
					{ key: 'title', type: 'string', status: 'available', required: true },
					{ key: 'pages', type: 'integer', status: 'available', required: false },
				],
			},
		});
		const harness = await TriggerHarness.create({
			type: 'appwriteDatabases',
			parameters: {
				resource: 'document',
				operation: 'create',
				databaseId: 'shop',
				collectionId: 'orders',
			},
			credentials: credentials(),
		});
		const { fields } = await harness.resourceMapping('getColumns');
		expect(fields.map((entry) => [entry.id, entry.type, entry.required])).toEqual([
			['title', 'string', true],
			['pages', 'number', false],
		]);
		expect(stub.requests[0].path).toBe(ATTRIBUTES_PATH);

		stub.reset();
		stub.on('POST', '/v1/databases/shop/collections/orders/documents', echoRow());
		const createDocument = async (pages: string) =>
			await runNode({
				type: 'appwriteDatabases',
				typeVersion: 2,
				parameters: {
					resource: 'document',
					operation: 'create',
					databaseId: 'shop',
					collectionId: 'orders',
					documentId: 'd1',
					dataInput: 'map',
					attributes: {
						mappingMode: 'defineBelow',
						schema: fields,
						value: { title: 'Dune', pages: '={{ $json.pages }}' },
					},
				},
				credentials: credentials(),
				items: [{ json: { pages } }],
			});
		const failed = await createDocument('many');
		expect(failed.error?.message).toBe(
			'The attribute "pages" expected a number, got "many" [item 0]',
		);
		await createDocument('412');
		expect(stub.requests.map((request) => request.json)).toEqual([
			{ documentId: 'd1', data: { title: 'Dune', pages: 412 } },
		]);
	});
});

describe('the query builder', () => {
	it("offers the chosen table's columns, then the system fields", async () => {
		answerColumns();
		const options = await (await tablesDb({ operation: 'getAll' })).loadOptions('getColumnNames');
		expect(options.map((option) => option.value)).toEqual([
			'name',
			'price',
			'qty',
			'paid',
			'status',
			'tags',
			'placedAt',
			'customer',
			'lines',
			'location',
			'contact',
			'$id',
			'$createdAt',
			'$updatedAt',
		]);
		expect(options.find((option) => option.value === 'price')?.description).toBe('double');
	});

	it('sends a saved condition on a typed column name as before', async () => {
		stub.on('GET', ROWS_PATH, { json: { total: 0, rows: [] } });
		await runRows({
			operation: 'getAll',
			additionalFields: {
				queries: {
					conditions: [
						{ method: 'greaterThan', attribute: 'price', valueType: 'number', value: '10' },
					],
				},
			},
		});
		expect(queriesOf(stub.requests[0])[0]).toEqual({
			method: 'greaterThan',
			attribute: 'price',
			values: [10],
		});
	});
});
