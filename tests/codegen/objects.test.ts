/**
 * The objects file (spec/catalog/_objects.yaml) checked against node-appwrite, and the resolver's
 * choice of which parameters get a picker.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyModeTypeOptions, INodeType } from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';

import { CatalogError, parseCatalogFile, ROOT } from '../../codegen/catalog';
import type { ObjectKind } from '../../codegen/objects';
import { loadObjects, objectProblems, searchMethodOf } from '../../codegen/objects';
import type { ResolvedParam } from '../../codegen/resolve';
import { resolveCatalog } from '../../codegen/resolve';
import { SdkDeclarations } from '../../codegen/sdk';
import { locatorModes } from '../../src/locators';
import { TEAM_GET, TEAMS, teamCreate, useFixture } from './support';

let sdk: SdkDeclarations;
beforeAll(() => {
	sdk = new SdkDeclarations();
});

const team: ObjectKind = {
	kind: 'team',
	noun: 'team',
	params: ['teamId'],
	list: { service: 'Teams', method: 'list', key: 'teams' },
	label: ['name'],
	search: 'arg',
	paging: 'cursor',
	url: 'team',
	scope: 'teams.read',
};
const membership: ObjectKind = {
	kind: 'membership',
	noun: 'membership',
	params: ['membershipId'],
	list: { service: 'Teams', method: 'listMemberships', key: 'memberships' },
	label: ['userName'],
	search: 'arg',
	paging: 'cursor',
	parents: ['teamId'],
	scope: 'teams.read',
};

const MEMBERSHIP_GET = `
  - resource: team
    operation: getMembership
    name: Get Membership
    action: Get a membership
    description: Get a membership
    method: getMembership
    output: object
    params:
      - { name: teamId, kind: string, required: true, description: ID of the team }
      - { name: membershipId, kind: string, required: true, description: ID of the membership }
`;

const TOKENS = `service: Tokens
node: AppwriteTokens
displayName: Appwrite Tokens
description: Tokens, for the generator's tests
icon: tokens
docs: https://appwrite.io/docs/references/cloud/server-nodejs/tokens
resources:
  - { value: token, name: Token }
actions:
  - resource: token
    operation: get
    name: Get
    action: Get a token
    description: Get a token by ID
    method: get
    output: object
    params:
      - { name: tokenId, kind: string, required: true, description: ID of the token }
`;

function paramsOf(
	yamlActions: string,
	objects: ObjectKind[],
	head = `${TEAMS}actions:`,
): Map<string, ResolvedParam> {
	const service = parseCatalogFile('catalog.yaml', `${head}${yamlActions}`);
	const [node] = resolveCatalog([service], sdk, objects);
	const params = new Map<string, ResolvedParam>();
	for (const action of node.versions[0].resources.flatMap((resource) => resource.actions))
		for (const param of action.params) params.set(`${action.operation}.${param.name}`, param);
	return params;
}

function refusal(run: () => unknown): string[] {
	try {
		run();
	} catch (error) {
		if (error instanceof CatalogError) return error.problems;
		throw error;
	}
	return [];
}

describe('the objects file', () => {
	it('names only list methods, record keys, fields, search arguments and parents node-appwrite declares', () => {
		const objects = loadObjects();
		expect(objects.length).toBeGreaterThanOrEqual(30);
		expect(objectProblems(objects, sdk)).toEqual([]);
	});

	it('refuses a list method, key, label, search argument or parent node-appwrite does not have', () => {
		const at = 'spec/catalog/_objects.yaml: team';
		expect(objectProblems([{ ...team, list: { ...team.list, method: 'listAll' } }], sdk)).toEqual([
			`${at}: node-appwrite 26.2.0 has no method Teams.listAll`,
		]);
		expect(objectProblems([{ ...team, list: { ...team.list, key: 'groups' } }], sdk)).toEqual([
			`${at}: list key "groups" is not in the result of Teams.list (it has: total, teams)`,
		]);
		expect(objectProblems([{ ...team, label: ['title'] }], sdk)).toEqual([
			`${at}: the records of Teams.list have no field "title"`,
		]);
		expect(
			objectProblems(
				[
					{
						...membership,
						kind: 'session',
						list: { service: 'Users', method: 'listSessions', key: 'sessions' },
						label: ['ip'],
						parents: ['userId'],
					},
				],
				sdk,
			),
		).toEqual([
			'spec/catalog/_objects.yaml: session: search "arg", but Users.listSessions takes no search argument',
			'spec/catalog/_objects.yaml: session: paging or searching with queries, but Users.listSessions takes no queries',
		]);
		expect(objectProblems([{ ...membership, parents: [] }], sdk)).toEqual([
			'spec/catalog/_objects.yaml: membership: Teams.listMemberships requires "teamId"; list it under parents',
		]);
		expect(objectProblems([{ ...membership, parents: ['teamId', 'userId'] }], sdk)).toEqual([
			'spec/catalog/_objects.yaml: membership: parent "userId" is not an argument of Teams.listMemberships',
		]);
		expect(objectProblems([team, team], sdk)).toEqual([`${at}: the kind appears twice`]);
	});

	it('is refused by the generator when a kind is wrong, naming it', () => {
		expect(refusal(() => resolveCatalog([], sdk, [{ ...team, label: ['title'] }]))).toEqual([
			'spec/catalog/_objects.yaml: team: the records of Teams.list have no field "title"',
		]);
	});

	it('is checked against its schema', () => {
		const fixture = path.join(ROOT, '.tmp', `objects-schema-${process.pid}`);
		mkdirSync(fixture, { recursive: true });
		writeFileSync(
			path.join(fixture, '_objects.yaml'),
			'objects:\n  - { kind: team, noun: team, params: [teamId], list: { service: Teams, method: list, key: teams }, label: [name], search: fuzzy, paging: cursor, scope: teams.read }\n',
		);
		expect(refusal(() => loadObjects(fixture)).join('\n')).toMatch(/search/);
		rmSync(fixture, { recursive: true, force: true });
	});
});

const token: ObjectKind = {
	kind: 'fileToken',
	noun: 'file token',
	params: ['tokenId'],
	list: { service: 'Tokens', method: 'list', key: 'tokens' },
	label: ['expire'],
	search: 'local',
	paging: 'cursor',
	parents: ['bucketId', 'fileId'],
	scope: 'tokens.read',
};

describe('which parameters get a picker', () => {
	it('an ID naming an existing object, with the kind, its list search and the parents it follows', () => {
		const params = paramsOf(TEAM_GET + MEMBERSHIP_GET, [team, membership]);
		expect(params.get('get.teamId')?.locator).toEqual({
			kind: 'team',
			noun: 'team',
			searchMethod: 'searchTeam',
			parents: [],
			url: 'team',
		});
		expect(params.get('getMembership.membershipId')?.locator).toMatchObject({
			searchMethod: 'searchMembership',
			parents: ['teamId'],
		});
	});

	it('not a new ID (kind id), nor an ID an SDK method of the kind creates', () => {
		const params = paramsOf(
			teamCreate(`      - { name: name, kind: string, required: true, description: Name of the team }
      - { name: roles, kind: stringList, description: Roles of the creator }`),
			[team],
		);
		expect(params.get('create.teamId')?.locator).toBeUndefined();
		const created = paramsOf(TEAM_GET, [{ ...team, creates: '^get$' }]);
		expect(created.get('get.teamId')?.names).toBeUndefined();
	});

	it('none when the action lacks a parent the list needs: the parameter stays a plain field, counted as a gap', () => {
		const params = paramsOf('', [token], TOKENS);
		expect(params.get('get.tokenId')).toMatchObject({ names: 'fileToken', kind: 'string' });
		expect(params.get('get.tokenId')?.locator).toBeUndefined();
	});

	it('with picker-only parents: optional fields of their own, never in the call, that give the ID its picker', () => {
		const bucketAndFile = `
      - { name: bucketId, kind: string, pickerOnly: true, description: ID of the bucket of the file }
      - { name: fileId, kind: string, pickerOnly: true, description: ID of the file }`;
		const params = paramsOf(
			'',
			[token],
			TOKENS.replace('    params:', `    params:${bucketAndFile}`),
		);
		expect(params.get('get.tokenId')?.locator).toMatchObject({
			searchMethod: 'searchFileToken',
			parents: ['bucketId', 'fileId'],
		});
		expect(params.get('get.bucketId')).toMatchObject({
			pickerOnly: true,
			required: false,
			location: 'top',
			narrows: ['file token'],
			sdk: undefined,
		});
	});

	it('refuses a picker-only parameter that the SDK method takes, that no picker uses, or that is required', () => {
		const withParam = (param: string) =>
			TOKENS.replace('    params:', `    params:\n      - ${param}`);
		expect(
			refusal(() =>
				paramsOf(
					'',
					[token],
					withParam(
						'{ name: tokenId, kind: string, pickerOnly: true, description: ID of the token }',
					),
				),
			),
		).toContain(
			'catalog.yaml: action token.get: picker-only "tokenId" is a parameter of Tokens.get; picker-only parameters are never sent, so declare it as a plain parameter',
		);
		expect(
			refusal(() =>
				paramsOf(
					'',
					[token],
					withParam(
						'{ name: bucketId, kind: string, pickerOnly: true, required: true, description: ID of the bucket }',
					),
				),
			),
		).toEqual([
			'catalog.yaml: action token.get: picker-only "bucketId" must be optional: it is never sent to Appwrite',
			'catalog.yaml: action token.get: picker-only "bucketId" narrows no picker: no From List of the action lists by it (see the parents in _objects.yaml); remove it',
		]);
	});

	it('refuses a parameter two kinds claim in the same node', () => {
		expect(
			refusal(() => paramsOf(TEAM_GET, [team, { ...team, kind: 'otherTeam' }])).join('\n'),
		).toMatch(/parameter "teamId" is claimed by the object kinds team, otherTeam/);
	});
});

describe('generated pickers', () => {
	const fixture = useFixture();

	it("print a resource locator and the node's list search", async () => {
		const catalog = fixture.catalog('objects');
		catalog.write('teams.yaml', `${TEAMS}actions:${TEAM_GET}`);
		writeFileSync(
			path.join(ROOT, catalog.catalogDir, '_objects.yaml'),
			'objects:\n  - { kind: team, noun: team, params: [teamId], list: { service: Teams, method: list, key: teams }, label: [name], search: arg, paging: cursor, url: team, scope: teams.read }\n',
		);
		const { outDir } = catalog.generate(fixture.sdk);
		const node = await catalog.load(outDir, 'AppwriteTeams');
		const teamId = node.description.properties.find((property) => property.name === 'teamId');
		expect(teamId).toMatchObject({
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
		});
		expect(teamId?.modes).toEqual(locatorModes('team', 'searchTeam', 'team'));
		expect(teamId?.modes?.map((mode) => mode.name)).toEqual(['list', 'url', 'id']);
		expect(Object.keys(node.methods?.listSearch ?? {})).toEqual(['searchTeam']);
		// The modes are the runtime's, called by the module rather than printed into it.
		const module = readFileSync(
			path.join(ROOT, outDir, 'nodes', 'AppwriteTeams', 'resources', 'team.ts'),
			'utf8',
		);
		expect(module).toContain("modes: locatorModes('team', 'searchTeam', 'team'),");
		expect(module).toMatch(/^import \{ type ActionTable, locatorModes \} from '[./]+\/src';$/m);
		expect(module).not.toContain("displayName: 'By URL'");
	});

	it('in every generated node: each picker gets the modes of the kind it names, from the runtime', async () => {
		const objects = loadObjects();
		const nodesDir = path.join(ROOT, 'generated', 'nodes');
		let pickers = 0;
		for (const className of readdirSync(nodesDir)) {
			const file = path.join(nodesDir, className, `${className}.node.ts`);
			const module = (await import(file)) as Record<string, new () => INodeType>;
			const { properties } = new module[className]().description;
			const all = properties.flatMap((property) => [
				property,
				...((property.type === 'collection' ? property.options : []) as INodeProperties[]),
			]);
			for (const property of all.filter((entry) => entry.type === 'resourceLocator')) {
				const method = (property.modes?.[0].typeOptions as INodePropertyModeTypeOptions)
					.searchListMethod;
				const object = objects.find((kind) => searchMethodOf(kind.kind) === method);
				expect(object, `${className} ${property.name}`).toBeDefined();
				expect(property.modes, `${className} ${property.name}`).toEqual(
					locatorModes(String(object?.noun), String(method), object?.url),
				);
				pickers++;
			}
			for (const resource of readdirSync(path.join(nodesDir, className, 'resources'))) {
				const text = readFileSync(path.join(nodesDir, className, 'resources', resource), 'utf8');
				expect(text.split("type: 'resourceLocator'").length, resource).toBe(
					text.split('modes: locatorModes(').length,
				);
			}
		}
		expect(pickers).toBeGreaterThan(400);
	});
});
