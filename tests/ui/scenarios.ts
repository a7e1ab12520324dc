/**
 * The browser test's scenarios, as a user goes through them in n8n's editor. Each step checks what
 * the user would look at (the picked name, the columns offered, the output panel) and, where the
 * screen cannot show it, what reached the Appwrite stand-in.
 */
import assert from 'node:assert/strict';

import { OWNER } from '../e2e/lib/n8n';
import { ORDER_COLUMNS, type CatalogRequest } from './lib/appwrite-catalog';
import type { Scenario } from './lib/scenario';

/** What scenario A sets, and what Appwrite must receive, typed. */
const ORDER = { customer: 'Ada Lovelace', quantity: 3 };

/** The file scenario B downloads, as the stand-in holds it. */
const INVOICE = { bucketId: 'invoices', fileId: 'inv-2026-0042', name: 'invoice-2026-0042.txt' };

function lastRequest(requests: CatalogRequest[], method: string, path: RegExp): CatalogRequest {
	const found = requests
		.filter((request) => request.method === method && path.test(request.path))
		.pop();
	assert.ok(found, `the stand-in received no ${method} matching ${path}`);
	return found;
}

export const scenarios: Scenario[] = [
	{
		name: 'A. TablesDB row',
		steps: [
			{
				name: 'sign in on the login page',
				async run({ editor }) {
					await editor.signIn(OWNER.email, OWNER.password);
				},
			},
			{
				name: 'add Appwrite TablesDB → Row → Create from the node creator',
				async run({ editor }) {
					await editor.openNewWorkflow();
					await editor.addNodeWithAction('Appwrite TablesDB', 'Create a row', 'ui-01-node-creator');
					assert.equal(await editor.dropdownValue('resource'), 'Row');
					assert.equal(await editor.dropdownValue('operation'), 'Create');
				},
			},
			{
				name: 'create the Appwrite credential in its dialog; n8n tests it on save',
				async run({ editor, credential, catalog }) {
					const message = await editor.createCredential(
						{
							endpoint: credential.endpoint,
							projectId: credential.projectId,
							apiKey: credential.apiKey,
						},
						'ui-02-credential',
					);
					assert.equal(await editor.selectedCredential(), 'Appwrite account');
					lastRequest(catalog.requests, 'GET', /^\/v1\/health$/);
					return message;
				},
			},
			{
				name: 'pick the database From list by typing "sho": the list shows Shop alone',
				async run({ editor, catalog }) {
					const shown = await editor.pickFromList(
						'databaseId',
						'sho',
						'Shop',
						'ui-03-database-list',
					);
					assert.deepEqual(shown, ['Shop (shop)']);
					assert.equal(
						lastRequest(catalog.requests, 'GET', /^\/v1\/tablesdb$/).query.get('search'),
						'sho',
					);
					assert.equal(await editor.locatorValue('databaseId'), 'Shop (shop)');
				},
			},
			{
				name: 'pick the table From list by typing "ord": the list of Shop\'s tables shows Orders alone',
				async run({ editor, catalog }) {
					const shown = await editor.pickFromList('tableId', 'ord', 'Orders', 'ui-04-table-list');
					assert.deepEqual(shown, ['Orders (orders)']);
					assert.equal(
						lastRequest(catalog.requests, 'GET', /^\/v1\/tablesdb\/shop\/tables$/).query.get(
							'search',
						),
						'ord',
					);
					assert.equal(await editor.locatorValue('tableId'), 'Orders (orders)');
				},
			},
			{
				name: "Map Columns shows the table's columns, the required ones marked",
				async run({ editor }) {
					await editor.chooseOption('dataInput', 'Map Columns');
					const fields = await editor.mapperFields();
					assert.deepEqual(
						fields.map((field) => field.name),
						ORDER_COLUMNS.map((column) => column.key),
					);
					assert.deepEqual(
						fields.filter((field) => field.required).map((field) => field.name),
						ORDER_COLUMNS.filter((column) => column.required).map((column) => column.key),
					);
					await editor.screenshot('ui-05-mapper');
					return fields.map((field) => field.label).join(', ');
				},
			},
			{
				name: 'fill customer and quantity, execute: the created row is in the output panel, typed',
				async run({ editor, catalog }) {
					await editor.fillMapped('customer', ORDER.customer);
					await editor.fillMapped('quantity', String(ORDER.quantity));
					await editor.executeNode();
					const [row, ...more] = await editor.outputJson();
					assert.equal(more.length, 0, 'one item');
					assert.equal(row.customer, ORDER.customer);
					assert.equal(row.quantity, ORDER.quantity, 'quantity is the number 3');
					assert.equal(row.$tableId, 'orders');
					await editor.screenshot('ui-06-row-output');
					const sent = lastRequest(
						catalog.requests,
						'POST',
						/^\/v1\/tablesdb\/shop\/tables\/orders\/rows$/,
					);
					assert.deepEqual((sent.body as { data: unknown }).data, ORDER);
					assert.deepEqual(
						catalog.rows.get('shop/orders')?.map((stored) => stored.$id),
						[row.$id],
					);
					return `row ${String(row.$id)}`;
				},
			},
		],
	},
	{
		name: 'B. Storage file',
		steps: [
			{
				name: 'add Appwrite Storage → File → Download in a new workflow; the credential is already chosen',
				async run({ editor }) {
					await editor.openNewWorkflow();
					await editor.addNodeWithAction('Appwrite Storage', 'Download a file');
					assert.equal(await editor.dropdownValue('resource'), 'File');
					assert.equal(await editor.dropdownValue('operation'), 'Download');
					assert.equal(await editor.selectedCredential(), 'Appwrite account');
				},
			},
			{
				name: 'pick the bucket From list by typing "inv" and the file by typing "0042"',
				async run({ editor, catalog }) {
					assert.deepEqual(
						await editor.pickFromList('bucketId', 'inv', 'Invoices', 'ui-07-bucket-list'),
						['Invoices (invoices)'],
					);
					assert.equal(
						lastRequest(catalog.requests, 'GET', /^\/v1\/storage\/buckets$/).query.get('search'),
						'inv',
					);
					const file = `${INVOICE.name} (${INVOICE.fileId})`;
					assert.deepEqual(
						await editor.pickFromList('fileId', '0042', INVOICE.name, 'ui-08-file-list'),
						[file],
					);
					assert.equal(
						lastRequest(
							catalog.requests,
							'GET',
							/^\/v1\/storage\/buckets\/invoices\/files$/,
						).query.get('search'),
						'0042',
					);
					assert.equal(await editor.locatorValue('fileId'), file);
				},
			},
			{
				name: "execute: the output's binary view shows the file's name, size and type",
				async run({ editor, catalog }) {
					await editor.executeNode();
					const card = await editor.binaryCard();
					const stored = catalog.file(INVOICE.bucketId, INVOICE.fileId);
					assert.ok(stored);
					assert.deepEqual(card, {
						fileName: INVOICE.name,
						mimeType: 'text/plain',
						fileSize: `${stored.content.length} B`,
					});
					await editor.screenshot('ui-09-binary-output');
					return `${card.fileName}, ${card.fileSize}, ${card.mimeType}`;
				},
			},
			{
				name: 'View shows the downloaded file',
				async run({ editor, catalog }) {
					const shown = await editor.viewBinary();
					assert.equal(
						shown,
						catalog.file(INVOICE.bucketId, INVOICE.fileId)?.content.toString('utf8').trim(),
					);
					await editor.screenshot('ui-10-binary-view');
				},
			},
		],
	},
];
