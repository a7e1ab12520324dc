/**
 * Simplify: the reduced shape of wide records, through n8n's engine and node-appwrite against the
 * recording stub, off by default so saved workflows output what they did; and the README's table
 * of what it removes is the one the runtime applies.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeType } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SIMPLIFIED_AWAY, SIMPLIFIED_METHODS } from '../../src/simplify';
import { appwriteCredentials, loadPackage, PACKAGE_ROOT, runNode } from '../support/engine';
import { StubServer } from '../support/stub-server';

let stub: StubServer;

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => stub.reset());

const credentials = () => appwriteCredentials(stub.endpoint, 'simplify-key');

async function run(type: string, parameters: Record<string, unknown>, typeVersion?: number) {
	const result = await runNode({ type, parameters, credentials: credentials(), typeVersion });
	expect(result.status).toBe('success');
	return result.output().map((item) => item.json);
}

const ROW = {
	$id: 'r1',
	$sequence: '7',
	$tableId: 'orders',
	$databaseId: 'shop',
	$createdAt: '2026-01-01T00:00:00.000+00:00',
	$updatedAt: '2026-01-02T00:00:00.000+00:00',
	$permissions: ['read("any")'],
	name: 'Ann',
	qty: 3,
};
const SIMPLE_ROW = {
	$id: 'r1',
	$createdAt: ROW.$createdAt,
	$updatedAt: ROW.$updatedAt,
	name: 'Ann',
	qty: 3,
};

describe('Simplify', () => {
	it('leaves a row as Appwrite sent it by default, as saved workflows had it', async () => {
		stub.on('GET', '/v1/tablesdb/shop/tables/orders/rows/r1', { json: ROW });
		const params = {
			resource: 'row',
			operation: 'get',
			databaseId: 'shop',
			tableId: 'orders',
			rowId: 'r1',
		};
		expect(await run('appwriteTablesDb', params)).toEqual([ROW]);
		expect(await run('appwriteTablesDb', { ...params, simplify: true })).toEqual([SIMPLE_ROW]);
	});

	it('reduces every record of a list, in items and in pages', async () => {
		stub.on('GET', '/v1/tablesdb/shop/tables/orders/rows', {
			json: { total: 2, rows: [ROW, { ...ROW, $id: 'r2' }] },
		});
		const params = {
			resource: 'row',
			operation: 'getAll',
			databaseId: 'shop',
			tableId: 'orders',
			simplify: true,
		};
		expect(await run('appwriteTablesDb', params)).toEqual([
			SIMPLE_ROW,
			{ ...SIMPLE_ROW, $id: 'r2' },
		]);
		expect(await run('appwriteTablesDb', { ...params, listOutput: 'pages' })).toEqual([
			{ total: 2, rows: [SIMPLE_ROW, { ...SIMPLE_ROW, $id: 'r2' }] },
		]);
	});

	it('drops hashes and internal fields of users, keeping what identifies them', async () => {
		stub.on('GET', '/v1/users/u1', {
			json: {
				$id: 'u1',
				name: 'Ann',
				email: 'ann@example.com',
				status: true,
				labels: ['vip'],
				prefs: { theme: 'dark' },
				password: '$argon2id$v=19$m=2048,t=3,p=3$abc',
				hash: 'argon2',
				hashOptions: { type: 'argon2', memoryCost: 2048 },
				targets: [{ $id: 't1', providerType: 'email', identifier: 'ann@example.com' }],
			},
		});
		expect(
			await run(
				'appwriteUsers',
				{ resource: 'user', operation: 'get', userId: 'u1', simplify: true },
				2,
			),
		).toEqual([
			{
				$id: 'u1',
				name: 'Ann',
				email: 'ann@example.com',
				status: true,
				labels: ['vip'],
				prefs: { theme: 'dark' },
			},
		]);
	});

	it('drops storage internals of files, headers of executions and site logs, build logs of deployments', async () => {
		stub.on('GET', '/v1/storage/buckets/b1/files', {
			json: {
				total: 1,
				files: [
					{
						$id: 'f1',
						bucketId: 'b1',
						name: 'a.png',
						mimeType: 'image/png',
						sizeOriginal: 10,
						sizeActual: 12,
						signature: 'md5',
						chunksTotal: 1,
						chunksUploaded: 1,
						encryption: true,
						compression: 'none',
						$permissions: [],
					},
				],
			},
		});
		expect(
			await run('appwriteStorage', {
				resource: 'file',
				operation: 'getAll',
				bucketId: 'b1',
				simplify: true,
			}),
		).toEqual([
			{ $id: 'f1', bucketId: 'b1', name: 'a.png', mimeType: 'image/png', sizeOriginal: 10 },
		]);

		const execution = {
			$id: 'e1',
			status: 'completed',
			responseStatusCode: 200,
			responseBody: 'ok',
			logs: 'hi',
			errors: '',
			duration: 0.1,
			requestHeaders: [{ name: 'x', value: 'y' }],
			responseHeaders: [],
			$permissions: [],
		};
		const reduced = {
			$id: 'e1',
			status: 'completed',
			responseStatusCode: 200,
			responseBody: 'ok',
			logs: 'hi',
			errors: '',
			duration: 0.1,
		};
		stub.on('GET', '/v1/functions/fn/executions/e1', { json: execution });
		stub.on('GET', '/v1/sites/site/logs/e1', { json: execution });
		expect(
			await run(
				'appwriteFunctions',
				{
					resource: 'execution',
					operation: 'get',
					functionId: 'fn',
					executionId: 'e1',
					simplify: true,
				},
				2,
			),
		).toEqual([reduced]);
		expect(
			await run('appwriteSites', {
				resource: 'log',
				operation: 'get',
				siteId: 'site',
				logId: 'e1',
				simplify: true,
			}),
		).toEqual([reduced]);

		stub.on('GET', '/v1/functions/fn/deployments/d1', {
			json: {
				$id: 'd1',
				status: 'ready',
				buildId: 'b',
				buildLogs: 'long log',
				screenshotLight: 's',
				screenshotDark: 's',
				providerCommitHash: 'abc',
				providerCommitUrl: 'https://x',
				providerBranch: 'main',
			},
		});
		expect(
			await run(
				'appwriteFunctions',
				{
					resource: 'deployment',
					operation: 'get',
					functionId: 'fn',
					deploymentId: 'd1',
					simplify: true,
				},
				2,
			),
		).toEqual([{ $id: 'd1', status: 'ready', providerCommitHash: 'abc', providerBranch: 'main' }]);
	});

	it('is offered on every get and list of the methods it knows', async () => {
		const loader = await loadPackage();
		const offeredOn = new Set<string>();
		for (const type of [
			'appwriteTablesDb',
			'appwriteDatabases',
			'appwriteUsers',
			'appwriteStorage',
			'appwriteFunctions',
			'appwriteSites',
		]) {
			const { description } = loader.getNode(type).type as INodeType;
			for (const property of description.properties) {
				if (property.name !== 'simplify') continue;
				const show = property.displayOptions?.show ?? {};
				for (const operation of show.operation ?? [])
					offeredOn.add(`${type}:${String(show.resource?.[0])}.${String(operation)}`);
			}
		}
		// Two per kind of record and service: a get and a list.
		expect(offeredOn.size).toBe(Object.keys(SIMPLIFIED_METHODS).length);
	});

	it('removes what the README says it removes', () => {
		const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
		for (const fields of Object.values(SIMPLIFIED_AWAY)) {
			expect(readme).toContain(`| ${fields.map((field) => `\`${field}\``).join(', ')} |`);
		}
	});
});
