import { readFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { CatalogService } from '../../codegen/catalog';
import { CatalogError, loadCatalog, parseCatalogFile, ROOT } from '../../codegen/catalog';
import { checkCatalog } from '../../codegen/check';
import { driftOf, generateFiles } from '../../codegen/generate';
import { loadObjects } from '../../codegen/objects';
import { SdkDeclarations } from '../../codegen/sdk';

let sdk: SdkDeclarations;
const packageJson = readFileSync(path.join(ROOT, 'package.json'), 'utf8');

beforeAll(() => {
	sdk = new SdkDeclarations();
});

/** A one-action catalog for Users, with the action's fields overridden. */
function catalogWith(action: Record<string, unknown>): CatalogService {
	return {
		file: 'spec/catalog/test.yaml',
		service: 'Users',
		node: 'AppwriteUsers',
		displayName: 'Appwrite Users',
		description: 'Test catalog for the generator',
		icon: 'users',
		docs: 'https://appwrite.io/docs',
		resources: [{ value: 'user', name: 'User' }],
		actions: [
			{
				resource: 'user',
				operation: 'get',
				name: 'Get',
				action: 'Get a user',
				description: 'Get a user',
				method: 'get',
				output: 'object',
				params: [{ name: 'userId', kind: 'string', required: true, description: 'ID' }],
				...action,
			} as CatalogService['actions'][number],
		],
	};
}

function problemsOf(run: () => unknown): string[] {
	try {
		run();
	} catch (error) {
		if (error instanceof CatalogError) return error.problems;
		throw error;
	}
	return [];
}

describe('catalog schema', () => {
	it('names the file, the action and the problem', () => {
		const yaml = `
service: Users
node: AppwriteUsers
displayName: Appwrite Users
description: A catalog with mistakes in it
icon: users
docs: https://appwrite.io/docs
resources: [{ value: user, name: User }]
actions:
  - resource: user
    operation: get
    name: Get
    action: Get a user
    description: Get a user
    method: get
    output: object
    params:
      - { name: userId, kind: text, required: true, description: ID }
      - { name: limit, kind: number, description: no default given }
    colour: red
`;
		const problems = problemsOf(() => parseCatalogFile('spec/catalog/bad.yaml', yaml));
		expect(problems).toContain(
			'spec/catalog/bad.yaml: action user.get, param userId (kind): must be equal to one of the allowed values: string, number, boolean, options, multiOptions, json, jsonList, stringList, dateTime, color, hexColor, id, binary, queries',
		);
		expect(problems).toContain(
			"spec/catalog/bad.yaml: action user.get, param limit: must have required property 'default'",
		);
		expect(problems).toContain('spec/catalog/bad.yaml: action user.get: unknown field "colour"');
	});

	it('reports YAML syntax errors with the file name', () => {
		expect(
			problemsOf(() => parseCatalogFile('spec/catalog/broken.yaml', 'actions: [unclosed'))[0],
		).toMatch(/^spec\/catalog\/broken.yaml: not valid YAML/);
	});
});

describe('checking the catalog against node-appwrite', () => {
	it('accepts the shipped catalog', () => {
		expect(() => checkCatalog(loadCatalog(), sdk)).not.toThrow();
	});

	it('refuses a misspelled SDK parameter, naming it and the declared ones', () => {
		const problems = problemsOf(() =>
			checkCatalog(
				[
					catalogWith({
						params: [{ name: 'userID', kind: 'string', required: true, description: 'ID' }],
					}),
				],
				sdk,
			),
		);
		expect(problems).toContain(
			'spec/catalog/test.yaml: action user.get: Users.get requires "userId", which the entry does not declare',
		);
		expect(problems).toContain(
			'spec/catalog/test.yaml: action user.get: parameter "userID" is not a parameter of Users.get (it declares: userId)',
		);
	});

	it('refuses a method node-appwrite does not have', () => {
		expect(problemsOf(() => checkCatalog([catalogWith({ method: 'fetch' })], sdk))).toEqual([
			`spec/catalog/test.yaml: action user.get: node-appwrite ${sdk.version} has no method Users.fetch`,
		]);
	});

	it('refuses required-ness that disagrees with the SDK, both ways', () => {
		const optionalId = problemsOf(() =>
			checkCatalog(
				[catalogWith({ params: [{ name: 'userId', kind: 'string', description: 'ID' }] })],
				sdk,
			),
		);
		expect(optionalId).toEqual([
			'spec/catalog/test.yaml: action user.get: parameter "userId" must be required: Users.get requires it',
		]);
		const requiredSearch = problemsOf(() =>
			checkCatalog(
				[
					catalogWith({
						operation: 'getAll',
						method: 'list',
						output: { kind: 'list', key: 'users', pagination: 'cursor' },
						params: [{ name: 'search', kind: 'string', required: true, description: 'Term' }],
						omit: { queries: 'not needed in this test', total: 'not needed in this test' },
					}),
				],
				sdk,
			),
		);
		expect(requiredSearch).toEqual([
			'spec/catalog/test.yaml: action user.getAll: parameter "search" is marked required, but Users.list declares it optional',
		]);
	});

	it('refuses an optional field that node-appwrite, declaring it optional, refuses a call without', () => {
		const column = (xdefault: Record<string, unknown>) => ({
			...catalogWith({
				resource: 'column',
				operation: 'updateEmailColumn',
				method: 'updateEmailColumn',
				params: [
					{ name: 'databaseId', kind: 'string', required: true, description: 'ID of the database' },
					{ name: 'tableId', kind: 'string', required: true, description: 'ID of the table' },
					{ name: 'key', kind: 'string', required: true, description: 'Key of the column' },
					{
						name: 'required',
						kind: 'boolean',
						required: true,
						description: 'Whether it is required',
					},
					{ name: 'xdefault', kind: 'string', description: 'Default email address', ...xdefault },
					{ name: 'newKey', kind: 'string', description: 'New key' },
				],
			}),
			service: 'TablesDB',
			node: 'AppwriteTablesDb',
			resources: [{ value: 'column', name: 'Column' }],
		});
		expect(problemsOf(() => checkCatalog([column({})], sdk))).toEqual([
			'spec/catalog/test.yaml: action column.updateEmailColumn: parameter "xdefault": TablesDB.updateEmailColumn declares it optional but refuses a call without it; mark it required or nullable',
		]);
		expect(problemsOf(() => checkCatalog([column({ nullable: true })], sdk))).toEqual([]);
	});

	it('refuses optional SDK parameters left out without a reason', () => {
		const problems = problemsOf(() =>
			checkCatalog(
				[
					catalogWith({
						operation: 'getAll',
						method: 'list',
						output: { kind: 'list', key: 'users', pagination: 'cursor' },
						params: [],
					}),
				],
				sdk,
			),
		);
		expect(problems).toContain(
			'spec/catalog/test.yaml: action user.getAll: Users.list takes "queries"; declare it, or list it under omit with the reason',
		);
	});

	it('refuses a kind that does not fit the declared type, and enum values the SDK does not know', () => {
		const wrongKind = problemsOf(() =>
			checkCatalog(
				[
					catalogWith({
						params: [
							{ name: 'userId', kind: 'number', required: true, default: 0, description: 'ID' },
						],
					}),
				],
				sdk,
			),
		);
		expect(wrongKind).toEqual([
			'spec/catalog/test.yaml: action user.get: parameter "userId" has kind number, but Users.get declares it as string',
		]);
		const avatars: CatalogService = {
			...catalogWith({}),
			service: 'Avatars',
			node: 'AppwriteAvatars',
			resources: [{ value: 'avatar', name: 'Avatar' }],
			actions: [
				{
					resource: 'avatar',
					operation: 'getBrowser',
					name: 'Get Browser Icon',
					action: 'Get a browser icon',
					description: 'Browser icon',
					method: 'getBrowser',
					output: { kind: 'binary', fileName: 'browser-{code}' },
					omit: { width: 'test', height: 'test', quality: 'test' },
					params: [
						{
							name: 'code',
							kind: 'options',
							required: true,
							description: 'Browser',
							options: [{ name: 'Chrome', value: 'Chrome' }],
						},
					],
				},
			],
		};
		expect(problemsOf(() => checkCatalog([avatars], sdk))[0]).toMatch(
			/parameter "code" offers "Chrome", not values of Browser \(aa, an, ch,/,
		);
	});

	it('refuses outputs that do not match what the method returns', () => {
		expect(
			problemsOf(() =>
				checkCatalog(
					[catalogWith({ output: { kind: 'list', key: 'users', pagination: 'cursor' } })],
					sdk,
				),
			),
		).toEqual([
			expect.stringContaining('list key "users" is not in the result of Users.get'),
			'spec/catalog/test.yaml: action user.get: pagination "cursor" needs queries, which Users.get does not take',
		]);
	});

	it('refuses a scaffolded draft until it is reviewed', () => {
		expect(problemsOf(() => checkCatalog([catalogWith({ draft: true })], sdk))).toEqual([
			'spec/catalog/test.yaml: action user.get: is a draft from catalog:scaffold; review it, then remove "draft: true"',
		]);
	});
});

describe('generation', () => {
	it('is deterministic: the same catalog gives byte-identical files', () => {
		const first = generateFiles(loadCatalog(), sdk, packageJson, { objects: loadObjects() });
		const second = generateFiles(loadCatalog(), new SdkDeclarations(), packageJson, {
			objects: loadObjects(),
		});
		expect([...second.entries()]).toEqual([...first.entries()]);
	});

	it('matches the committed generated/ folder and package.json (drift check)', () => {
		expect(
			driftOf(generateFiles(loadCatalog(), sdk, packageJson, { objects: loadObjects() })),
		).toEqual([]);
	});

	it('notices a hand edit or a stale file', () => {
		const files = generateFiles(loadCatalog(), sdk, packageJson, { objects: loadObjects() });
		const [someFile] = [...files.keys()].filter((file) => file.endsWith('.node.ts'));
		files.set(someFile, `${files.get(someFile)}// hand edit\n`);
		files.delete('generated/nodes/AppwriteUsers/appwriteUsers.svg');
		expect(driftOf(files)).toEqual([
			`differs: ${someFile}`,
			'not produced by the catalog: generated/nodes/AppwriteUsers/appwriteUsers.svg',
		]);
	});

	it('lists every generated node and every hand-written one in package.json for n8n to load', () => {
		const manifest = JSON.parse(
			generateFiles(loadCatalog(), sdk, packageJson, { objects: loadObjects() }).get(
				'package.json',
			) as string,
		);
		expect(manifest.n8n.nodes).toEqual(
			[
				...loadCatalog().map(
					(service) => `dist/generated/nodes/${service.node}/${service.node}.node.js`,
				),
				'dist/nodes/AppwritePollingTrigger/AppwritePollingTrigger.node.js',
				'dist/nodes/AppwriteTrigger/AppwriteTrigger.node.js',
			].sort(),
		);
	});
});
