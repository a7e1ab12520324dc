/**
 * The generated nodes' pickers (resource locators), as the editor and the engine use them, with
 * n8n-core's own contexts, the real node-appwrite SDK and the recording stub: every list search of
 * every node (search text and paging reach Appwrite as the kind's objects file says, labels are
 * `Name (id)`, tokens advance, dependent lists use their parents' values), a missing scope, and the
 * three modes at run time (From list, By URL, By ID) next to a workflow saved with plain strings.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyModeTypeOptions } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { ObjectKind } from '../../codegen/objects';
import { loadObjects, searchMethodOf } from '../../codegen/objects';
import { appwriteCredentials, loadPackage, PACKAGE_ROOT, runNode } from '../support/engine';
import type { RecordedRequest } from '../support/stub-server';
import { StubServer } from '../support/stub-server';
import { TriggerHarness } from '../support/trigger-engine';

const API_KEY = 'pickers-test-api-key-5150';
let stub: StubServer;

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });
const credentials = () => appwriteCredentials(stub.endpoint, API_KEY);

function queriesOf(
	request: RecordedRequest,
): Array<{ method: string; attribute?: string; values?: unknown[] }> {
	return [...request.query.entries()]
		.filter(([name]) => name.startsWith('queries'))
		.map(([, value]) => JSON.parse(value));
}

const OBJECTS = loadObjects();
const NODES = readdirSync(path.join(PACKAGE_ROOT, 'generated', 'nodes')).map(
	(name) => name.charAt(0).toLowerCase() + name.slice(1),
);

interface Picker {
	node: string;
	method: string;
	object: ObjectKind;
	/** A field using the picker, and the resource and operation that show it. */
	field: INodeProperties;
	show: Record<string, unknown>;
	/** The node's labels of the fields the list's parents come from, by name. */
	parentLabels: Record<string, string>;
}

/** Every list search of every generated node, with one field that uses it. */
async function pickers(): Promise<Picker[]> {
	const loader = await loadPackage();
	const found: Picker[] = [];
	for (const node of NODES) {
		const type = loader.getNode(node).type as {
			description: { properties: INodeProperties[] };
			methods?: { listSearch?: Record<string, unknown> };
		};
		for (const method of Object.keys(type.methods?.listSearch ?? {})) {
			const object = OBJECTS.find((kind) => searchMethodOf(kind.kind) === method);
			const uses = (property: INodeProperties) =>
				property.modes?.some(
					(mode) =>
						(mode.typeOptions as INodePropertyModeTypeOptions | undefined)?.searchListMethod ===
						method,
				);
			// A top-level field, or Additional Fields holding one.
			const field = type.description.properties.find(
				(property) =>
					uses(property) ||
					(property.type === 'collection' && (property.options as INodeProperties[]).some(uses)),
			);
			if (!object || !field)
				throw new Error(`${node}: list search ${method} has no object kind or no field`);
			const show = field.displayOptions?.show ?? {};
			const parentLabels = Object.fromEntries(
				(object.parents ?? []).map((parent) => [
					parent,
					type.description.properties.find((property) => property.name === parent)?.displayName ??
						'',
				]),
			);
			found.push({
				node,
				method,
				object,
				field,
				show: { resource: show.resource?.[0], operation: show.operation?.[0] },
				parentLabels,
			});
		}
	}
	return found;
}

function page(object: ObjectKind, count: number, from = 0) {
	const records = Array.from({ length: count }, (_, index) => {
		const id = `${object.kind.toLowerCase()}-${from + index}`;
		const label = object.label.find((field) => field !== (object.id ?? '$id'));
		return {
			$id: id,
			[object.id ?? '$id']: id,
			...(label ? { [label]: `Label ${from + index}` } : {}),
		};
	});
	return { total: 0, [object.list.key]: records };
}

async function harness(picker: Picker, parents: Record<string, unknown> = {}) {
	return await TriggerHarness.create({
		type: picker.node,
		parameters: { ...picker.show, ...parents },
		credentials: credentials(),
	});
}

describe('every list search of every node', async () => {
	const all = await pickers();

	it('covers every object kind some node names', () => {
		expect(new Set(all.map((picker) => picker.object.kind)).size).toBeGreaterThanOrEqual(30);
	});

	it.each(all.map((picker) => [`${picker.node} ${picker.method}`, picker] as const))(
		'%s: lists from Appwrite under its parents, searches, labels and pages as the objects file says',
		async (_name, picker) => {
			const { object } = picker;
			const parents = Object.fromEntries(
				(object.parents ?? []).map((parent) => [parent, rl(`${parent}-value`)]),
			);
			stub.fallback((request) => ({
				json:
					request.query.toString().includes('cursorAfter') ||
					request.query.toString().includes('offset')
						? page(object, 1, 100)
						: page(object, object.paging === 'none' ? 3 : 100),
			}));
			const node = await harness(picker, parents);
			const first = await node.listSearch(picker.method, undefined, undefined, {
				...picker.show,
				...parents,
			});

			const [request] = stub.requests;
			expect(stub.requests).toHaveLength(1);
			expect(request.method).toBe('GET');
			expect(request.headers['x-appwrite-key']).toBe(API_KEY);
			for (const parent of object.parents ?? []) expect(request.path).toContain(`/${parent}-value`);
			const labelled = object.label.some((field) => field !== (object.id ?? '$id'));
			const shown = labelled
				? `Label 0 (${object.kind.toLowerCase()}-0)`
				: `${object.kind.toLowerCase()}-0`;
			expect(first.results[0]).toEqual({ name: shown, value: `${object.kind.toLowerCase()}-0` });

			if (object.paging === 'none') {
				expect(queriesOf(request)).toEqual([]);
				expect(first.paginationToken).toBeUndefined();
			} else {
				expect(queriesOf(request)).toEqual([{ method: 'limit', values: [100] }]);
				expect(first.paginationToken).toBe(
					object.paging === 'offset' ? '100' : `${object.kind.toLowerCase()}-99`,
				);
				const second = await node.listSearch(picker.method, undefined, first.paginationToken, {
					...picker.show,
					...parents,
				});
				expect(queriesOf(stub.requests[1])).toEqual([
					{ method: 'limit', values: [100] },
					object.paging === 'offset'
						? { method: 'offset', values: [100] }
						: { method: 'cursorAfter', values: [`${object.kind.toLowerCase()}-99`] },
				]);
				expect(second.results.map((result) => result.value)).toEqual([
					`${object.kind.toLowerCase()}-100`,
				]);
				expect(second.paginationToken).toBeUndefined();
			}

			stub.requests.length = 0;
			const searched = await node.listSearch(picker.method, ' Label 2 ', undefined, {
				...picker.show,
				...parents,
			});
			const sent = stub.requests[0];
			if (object.search === 'arg') expect(sent.query.get('search')).toBe('Label 2');
			else expect(sent.query.get('search')).toBeNull();
			if (typeof object.search === 'object')
				expect(queriesOf(sent)).toContainEqual({
					method: 'startsWith',
					attribute: object.search.startsWith,
					values: ['Label 2'],
				});
			if (object.search === 'local' && labelled) {
				// Only the page's records whose name holds the text: Label 2 and Label 20 to 29.
				expect(searched.results.map((result) => result.name)).toEqual(
					searched.results.map((result) => result.name).filter((name) => name.includes('Label 2')),
				);
				expect(searched.results.length).toBeGreaterThan(0);
			}
		},
	);

	it.each(
		all
			.filter((picker) => picker.object.parents?.length)
			.map((picker) => [`${picker.node} ${picker.method}`, picker] as const),
	)(
		'%s: names the field to fill in first, asking nothing, while a parent is empty',
		async (_name, picker) => {
			const [first, ...others] = picker.object.parents ?? [];
			// The first parent empty, or (with two) the first given and the second empty.
			const cases = [
				{
					empty: first,
					parents: { [first]: rl(''), ...Object.fromEntries(others.map((p) => [p, rl('x')])) },
				},
				...others.map((parent) => ({
					empty: parent,
					parents: { [first]: rl('x'), [parent]: rl('') },
				})),
			];
			for (const { empty, parents } of cases) {
				const node = await harness(picker, parents);
				const label = picker.parentLabels[empty];
				expect(label).toMatch(/ ID$/);
				await expect(
					node.listSearch(picker.method, undefined, undefined, { ...picker.show, ...parents }),
				).rejects.toThrow(`Fill in ${label} first: the `);
			}
			expect(stub.requests).toEqual([]);
		},
	);
});

describe('By URL and By ID on every picker', async () => {
	const all = await pickers();

	it.each(all.map((picker) => [`${picker.node} ${picker.method}`, picker] as const))(
		"%s: takes the ID from its console URL segment and checks IDs by Appwrite's rules",
		(_name, picker) => {
			const field = picker.field.modes
				? picker.field
				: ((picker.field.options as INodeProperties[]).find(
						(option) => option.modes?.length,
					) as INodeProperties);
			const byUrl = field.modes?.find((mode) => mode.name === 'url');
			const byId = field.modes?.find((mode) => mode.name === 'id');
			const rule = (mode: typeof byId) =>
				new RegExp(
					`^${(mode?.validation?.[0] as unknown as { properties: { regex: string } }).properties.regex}$`,
				);
			expect(rule(byId).test('shop_2024.v-1')).toBe(true);
			for (const bad of ['_shop', '../x', 'a'.repeat(37), 'a b'])
				expect(rule(byId).test(bad)).toBe(false);
			if (!picker.object.url) {
				expect(byUrl).toBeUndefined();
				return;
			}
			const url = `https://cloud.appwrite.io/console/project-fra-p1/x/${picker.object.url}-abc_1/settings?tab=1`;
			expect(rule(byUrl).test(url)).toBe(true);
			expect(rule(byUrl).test('https://cloud.appwrite.io/console/project-fra-p1/overview')).toBe(
				false,
			);
			const extract = (byUrl?.extractValue as { regex: string }).regex;
			expect(new RegExp(extract).exec(url)?.[1]).toBe('abc_1');
			expect(
				new RegExp(extract).exec(
					`https://cloud.appwrite.io/console/p/${picker.object.url}-abc_1`,
				)?.[1],
			).toBe('abc_1');
		},
	);
});

describe('the database → table → row pickers of TablesDB', () => {
	const shown = { resource: 'row', operation: 'get' };

	it('list tables of the database chosen, by any mode, and rows of that table by ID prefix', async () => {
		stub.on('GET', '/v1/tablesdb/shop/tables', {
			json: { total: 1, tables: [{ $id: 'orders', name: 'Orders' }] },
		});
		stub.on('GET', '/v1/tablesdb/shop/tables/orders/rows', {
			json: { total: 1, rows: [{ $id: 'r1', total: 3 }] },
		});
		const node = await TriggerHarness.create({
			type: 'appwriteTablesDb',
			parameters: shown,
			credentials: credentials(),
		});
		const byUrl = {
			...shown,
			databaseId: rl(
				'https://cloud.appwrite.io/console/project-fra-p1/databases/database-shop/table-x',
				'url',
			),
		};
		expect((await node.listSearch('searchTable', undefined, undefined, byUrl)).results).toEqual([
			{ name: 'Orders (orders)', value: 'orders' },
		]);
		const rows = await node.listSearch('searchRow', 'r', undefined, {
			...shown,
			databaseId: rl('shop', 'id'),
			tableId: rl('orders'),
		});
		expect(rows.results).toEqual([{ name: 'r1', value: 'r1' }]);
		expect(queriesOf(stub.requests[1])).toEqual([
			{ method: 'limit', values: [100] },
			{ method: 'startsWith', attribute: '$id', values: ['r'] },
		]);
	});

	it('say which scope the key lacks, and that By ID still works', async () => {
		stub.error(
			'GET',
			'/v1/tablesdb/shop/tables',
			401,
			'general_unauthorized_scope',
			'app.test (role: applications) missing scopes (["tables.read"])',
		);
		const node = await TriggerHarness.create({
			type: 'appwriteTablesDb',
			parameters: shown,
			credentials: credentials(),
		});
		const failure = await node
			.listSearch('searchTable', undefined, undefined, { ...shown, databaseId: rl('shop') })
			.then(
				() => undefined,
				(error: unknown) => error as { message: string; description?: string },
			);
		expect(failure?.message).toBe('The API key lacks the scope tables.read, needed to list tables');
		expect(failure?.description).toMatch(/or choose By ID/);
		expect(JSON.stringify(failure)).not.toContain(API_KEY);
	});

	it('say that Appwrite did not recognise the key, rather than name a scope, when the key is unknown', async () => {
		stub.error(
			'GET',
			'/v1/tablesdb',
			401,
			'general_unauthorized_scope',
			'User (role: guests) missing scopes (["databases.read"])',
		);
		const node = await TriggerHarness.create({
			type: 'appwriteTablesDb',
			parameters: shown,
			credentials: credentials(),
		});
		const failure = await node.listSearch('searchDatabase').then(
			() => undefined,
			(error: unknown) => error as { message: string; description?: string },
		);
		expect(failure?.description).toMatch(/did not recognise the API key/);
		expect(failure?.message).not.toMatch(/lacks the scope/);
	});

	it('name the scope from the objects file when Appwrite does not', async () => {
		stub.error(
			'GET',
			'/v1/storage/buckets',
			401,
			'general_unauthorized_scope',
			'The current user is not authorized to perform the requested action.',
		);
		const node = await TriggerHarness.create({
			type: 'appwriteStorage',
			parameters: { resource: 'file', operation: 'get' },
			credentials: credentials(),
		});
		await expect(node.listSearch('searchBucket')).rejects.toThrow(
			'The API key lacks the scope buckets.read, needed to list buckets',
		);
	});
});

describe('the modes at run time', () => {
	const row = { $id: 'r1', $tableId: 'orders', $databaseId: 'shop' };
	const get = (parameters: Record<string, unknown>, typeVersion?: number) =>
		runNode({
			type: 'appwriteTablesDb',
			parameters: { resource: 'row', operation: 'get', ...parameters },
			credentials: credentials(),
			typeVersion,
		});

	it('From list, By URL and By ID reach the same row', async () => {
		stub.on('GET', '/v1/tablesdb/shop/tables/orders/rows/r1', { json: row });
		const console =
			'https://cloud.appwrite.io/console/project-fra-p1/databases/database-shop/table-orders/row-r1?tab=data';
		for (const parameters of [
			{ databaseId: rl('shop'), tableId: rl('orders'), rowId: rl('r1') },
			{ databaseId: rl(console, 'url'), tableId: rl(console, 'url'), rowId: rl(console, 'url') },
			{ databaseId: rl('shop', 'id'), tableId: rl('orders', 'id'), rowId: rl('r1', 'id') },
		]) {
			const result = await get(parameters);
			expect(result.status).toBe('success');
			expect(result.output()[0].json).toEqual(row);
		}
		expect(stub.requests.map((request) => request.path)).toEqual(
			Array(3).fill('/v1/tablesdb/shop/tables/orders/rows/r1'),
		);
	});

	it("refuse a URL without the object and an ID breaking Appwrite's rules, before any request", async () => {
		// n8n checks each mode's pattern before it runs the workflow…
		const wrongUrl = get({
			databaseId: rl('https://cloud.appwrite.io/console/project-fra-p1/storage/bucket-b1', 'url'),
			tableId: rl('orders'),
			rowId: rl('r1'),
		});
		await expect(wrongUrl).rejects.toThrow(/node has issues/);
		await expect(
			get({ databaseId: rl('shop'), tableId: rl('../x', 'id'), rowId: rl('r1') }),
		).rejects.toThrow(/node has issues/);
		// …and the node checks what an expression gives, naming the field.
		const fromExpression = await get({
			databaseId: rl('shop'),
			tableId: rl('={{ "../x" }}', 'id'),
			rowId: rl('r1'),
		});
		expect(fromExpression.error?.message).toContain('The field "Table ID" must be an Appwrite ID');
		expect(stub.requests).toEqual([]);
	});

	it('a workflow saved before the pickers, with plain-string IDs and JSON row data, runs unchanged', async () => {
		stub.on('GET', '/v1/tablesdb/shop/tables/orders/rows/r1', { json: row });
		stub.on('POST', '/v1/tablesdb/shop/tables/orders/rows', (request) => ({
			status: 201,
			json: { ...row, ...(request.json as { data: object }).data },
		}));
		stub.on('GET', '/v1/storage/buckets/b1/files/f1', {
			json: { $id: 'f1', bucketId: 'b1', name: 'a.txt' },
		});
		stub.on('GET', '/v1/users/u1', { json: { $id: 'u1', name: 'Ann' } });
		const saved = await get({ databaseId: 'shop', tableId: 'orders', rowId: 'r1' }, 1);
		expect(saved.output()[0].json).toEqual(row);
		const created = await runNode({
			type: 'appwriteTablesDb',
			typeVersion: 1,
			parameters: {
				resource: 'row',
				operation: 'create',
				databaseId: 'shop',
				tableId: 'orders',
				rowId: 'r2',
				data: '{"total": 3}',
			},
			credentials: credentials(),
		});
		expect(created.status).toBe('success');
		expect(stub.requests[1].json).toMatchObject({ rowId: 'r2', data: { total: 3 } });
		const file = await runNode({
			type: 'appwriteStorage',
			parameters: { resource: 'file', operation: 'get', bucketId: 'b1', fileId: 'f1' },
			credentials: credentials(),
		});
		expect(file.output()[0].json).toMatchObject({ $id: 'f1' });
		const user = await runNode({
			type: 'appwriteUsers',
			typeVersion: 1,
			parameters: { resource: 'user', operation: 'get', userId: 'u1' },
			credentials: credentials(),
		});
		expect(user.output()[0].json).toEqual({ $id: 'u1', name: 'Ann' });
		expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /v1/tablesdb/shop/tables/orders/rows/r1',
			'POST /v1/tablesdb/shop/tables/orders/rows',
			'GET /v1/storage/buckets/b1/files/f1',
			'GET /v1/users/u1',
		]);
	});
});

describe('picker-only fields: the bucket and file of a token', () => {
	const shown = { resource: 'token', operation: 'get' };
	const tokens = (parameters: Record<string, unknown>) =>
		TriggerHarness.create({
			type: 'appwriteTokens',
			parameters: { ...shown, ...parameters },
			credentials: credentials(),
		});

	it("list the files of the bucket chosen, then that file's tokens; an empty one is named", async () => {
		stub.on('GET', '/v1/storage/buckets/invoices/files', {
			json: { total: 1, files: [{ $id: 'f42', name: 'invoice-0042.pdf' }] },
		});
		stub.on('GET', '/v1/tokens/buckets/invoices/files/f42', {
			json: {
				total: 2,
				tokens: [
					{ $id: 'tok1', expire: '2031-01-01T00:00:00.000+00:00' },
					{ $id: 'tok2', expire: '' },
				],
			},
		});
		const bucket = { bucketId: rl('invoices') };
		const files = await (
			await tokens(bucket)
		).listSearch('searchFile', 'inv', undefined, {
			...shown,
			...bucket,
		});
		expect(files.results).toEqual([{ name: 'invoice-0042.pdf (f42)', value: 'f42' }]);
		const both = { bucketId: rl('invoices'), fileId: rl('f42', 'id') };
		const found = await (
			await tokens(both)
		).listSearch('searchFileToken', undefined, undefined, {
			...shown,
			...both,
		});
		expect(found.results).toEqual([
			{ name: '2031-01-01T00:00:00.000+00:00 (tok1)', value: 'tok1' },
			{ name: 'tok2', value: 'tok2' },
		]);
		expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /v1/storage/buckets/invoices/files',
			'GET /v1/tokens/buckets/invoices/files/f42',
		]);
		expect(stub.requests[0].query.get('search')).toBe('inv');

		const noFile = { bucketId: rl('invoices'), fileId: rl('') };
		await expect(
			(await tokens(noFile)).listSearch('searchFileToken', undefined, undefined, {
				...shown,
				...noFile,
			}),
		).rejects.toThrow('Fill in File ID first: the file tokens to pick from depend on it');
		expect(stub.requests).toHaveLength(2);
	});

	it('run with them set, and without them (a saved workflow), sending the token ID alone', async () => {
		const token = { $id: 'tok1', resourceId: 'invoices:f42', expire: '' };
		stub.on('GET', '/v1/tokens/tok1', { json: token });
		for (const parameters of [
			{ bucketId: rl('invoices'), fileId: rl('f42'), tokenId: rl('tok1') },
			{ bucketId: rl('', 'list'), fileId: rl('', 'list'), tokenId: rl('tok1', 'id') },
			{ tokenId: 'tok1' },
		]) {
			const result = await runNode({
				type: 'appwriteTokens',
				parameters: { ...shown, ...parameters },
				credentials: credentials(),
			});
			expect(result.error?.message).toBeUndefined();
			expect(result.output()[0].json).toEqual(token);
		}
		expect(stub.requests).toHaveLength(3);
		for (const request of stub.requests) {
			expect(`${request.method} ${request.path}`).toBe('GET /v1/tokens/tok1');
			expect([...request.query.keys()]).toEqual([]);
			expect(request.body.length).toBe(0);
		}
	});
});
