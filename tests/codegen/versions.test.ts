/**
 * The version plan: a change that would break saved workflows is refused unless the node's version
 * is raised, and a raised version keeps the old description and behaviour, which a saved
 * version-1 workflow proves by running unchanged through n8n's engine.
 */
import type { INodeType } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import type { SurfaceParam, VersionSurface } from '../../codegen/versions';
import { breakingChanges, COMPATIBLE_CHANGES } from '../../codegen/versions';
import type { RecordedRequest } from '../support/stub-server';
import { propertiesFor, TEAM_GET as GET, teamCreate, TEAMS as HEADER, useFixture } from './support';

function createAction(roles: string): string {
	return teamCreate(
		`      - { name: name, kind: string, required: true, description: Name of the team }\n${roles}`,
	);
}

const ROLES_AS_TEXT =
	'      - { name: roles, kind: stringList, description: Roles of the creator }';
const ROLES_AS_CHOICES = `      - name: roles
        kind: multiOptions
        required: true
        requiredReason: this node asks for the creator's roles in version 2
        default: [owner]
        description: Roles of the creator
        options: [{ name: Owner, value: owner }, { name: Developer, value: developer }]`;

const fixture = useFixture();

/** Runs a saved workflow's node parameters through n8n's engine and returns what reached Appwrite. */
async function requestsOf(
	node: INodeType,
	typeVersion: number,
	parameters: Record<string, unknown>,
) {
	fixture.stub.reset();
	fixture.stub.fallback((request) => ({
		json: { $id: 'red', name: 'Red', roles: (request.json as { roles?: unknown })?.roles },
	}));
	const result = await fixture.run(node, parameters, typeVersion);
	return {
		result,
		requests: fixture.stub.requests.map((request: RecordedRequest) => ({
			method: request.method,
			path: request.path,
			json: request.json,
		})),
	};
}

describe('the version plan', () => {
	it('refuses a breaking change, then keeps version 1 for saved workflows once the version is raised', async () => {
		const catalog = fixture.catalog('versions');
		catalog.write('teams.yaml', `${HEADER}actions:${createAction(ROLES_AS_TEXT)}${GET}`);
		const first = catalog.generate(fixture.sdk);
		const original = await catalog.load(first.outDir, 'AppwriteTeams');
		expect(original.description.version).toBe(1);

		// Roles become required choices: retyped, moved out of Additional Fields, required.
		catalog.write('teams.yaml', `${HEADER}actions:${createAction(ROLES_AS_CHOICES)}${GET}`);
		const file = `${catalog.catalogDir}/teams.yaml`;
		expect(catalog.problems(fixture.sdk)).toEqual([
			`${file}: AppwriteTeams version 1, action team.create: parameter "additionalFields" was removed or renamed`,
			`${file}: AppwriteTeams version 1, action team.create: parameter "additionalFields.roles" was removed or renamed`,
			`${file}: AppwriteTeams version 1, action team.create: parameter "roles" is new and required`,
			`${file}: these changes break saved AppwriteTeams version 1 workflows. Raise the node's version (version: 2) and keep version 1 as it was: mark the entries it had "until: 1" and the changed ones "since: 2"`,
		]);

		// Raising the version alone is not enough: version 1 must stay as it was.
		catalog.write(
			'teams.yaml',
			`${HEADER}version: 2\nactions:${createAction(ROLES_AS_CHOICES)}${GET}`,
		);
		expect(catalog.problems(fixture.sdk)).toContain(
			`${file}: AppwriteTeams version 1, action team.create: parameter "additionalFields.roles" was removed or renamed`,
		);

		catalog.write(
			'teams.yaml',
			`${HEADER}version: 2\nactions:${createAction(`${ROLES_AS_TEXT.replace(' }', ', until: 1 }')}\n${ROLES_AS_CHOICES}\n        since: 2`)}${GET}`,
		);
		const second = catalog.generate(fixture.sdk);
		const versioned = await catalog.load(second.outDir, 'AppwriteTeams');
		expect(versioned.description.version).toEqual([1, 2]);
		expect(versioned.description.defaultVersion).toBe(2);
		// Version 1 shows exactly what it showed before; what changed is told apart by `@version`.
		expect(propertiesFor(versioned, 1)).toEqual(original.description.properties);
		expect(propertiesFor(versioned, 2)).not.toEqual(original.description.properties);

		const saved = {
			resource: 'team',
			operation: 'create',
			teamId: 'red',
			name: 'Red',
			additionalFields: { roles: 'owner, editor' },
		};
		const before = await requestsOf(original, 1, saved);
		const after = await requestsOf(versioned, 1, saved);
		expect(before.result.status).toBe('success');
		expect(after.result.status).toBe('success');
		expect(after.requests).toEqual(before.requests);
		expect(after.requests).toEqual([
			{
				method: 'POST',
				path: '/v1/teams',
				json: { teamId: 'red', name: 'Red', roles: ['owner', 'editor'] },
			},
		]);

		// A new workflow gets version 2: roles are chosen, and only the offered ones are accepted.
		const current = await requestsOf(versioned, 2, {
			resource: 'team',
			operation: 'create',
			teamId: 'red',
			name: 'Red',
			roles: ['developer'],
		});
		expect(current.requests).toEqual([
			{
				method: 'POST',
				path: '/v1/teams',
				json: { teamId: 'red', name: 'Red', roles: ['developer'] },
			},
		]);
		const refused = await requestsOf(versioned, 2, {
			resource: 'team',
			operation: 'create',
			teamId: 'red',
			name: 'Red',
			roles: ['editor'],
		});
		expect(refused.result.status).toBe('error');
		expect(refused.requests).toEqual([]);

		// Both versions are now in the snapshot, so version 1 stays guarded.
		const snapshot = JSON.parse(
			second.files.get(`${catalog.surfaceDir}/AppwriteTeams.json`) as string,
		);
		expect(Object.keys(snapshot.versions)).toEqual(['1', '2']);
		catalog.write(
			'teams.yaml',
			`${HEADER}version: 2\nactions:${createAction(ROLES_AS_CHOICES)}${GET}`,
		);
		expect(catalog.problems(fixture.sdk)).toContain(
			`${file}: AppwriteTeams version 1, action team.create: parameter "additionalFields.roles" was removed or renamed`,
		);
	});

	it('accepts additions: a new optional field, a new operation', () => {
		const catalog = fixture.catalog('additions');
		const withoutRoles = createAction('').replace(
			'    params:',
			'    omit: { roles: added in the next test step }\n    params:',
		);
		catalog.write('teams.yaml', `${HEADER}actions:${withoutRoles}`);
		catalog.generate(fixture.sdk);
		catalog.write('teams.yaml', `${HEADER}actions:${createAction(ROLES_AS_TEXT)}${GET}`);
		expect(catalog.problems(fixture.sdk)).toEqual([]);
	});

	it('refuses to drop a published version or node', () => {
		const catalog = fixture.catalog('published');
		catalog.write('teams.yaml', `${HEADER}version: 2\nactions:${GET}`);
		catalog.generate(fixture.sdk);
		catalog.write('teams.yaml', `${HEADER}actions:${GET}`);
		expect(catalog.problems(fixture.sdk)).toEqual([
			`${catalog.catalogDir}/teams.yaml: AppwriteTeams version 2 was published; a node keeps every version it had, so saved workflows still load`,
		]);
	});
});

const BEFORE: VersionSurface = {
	resources: { default: 'team', values: ['team'] },
	operations: { team: { default: 'get', values: ['get', 'list'] } },
	actions: {
		'team.get': {
			teamId: { type: 'string', required: true, default: '' },
			output: { type: 'options', default: 'json', values: ['json', 'text'] },
			limit: { type: 'number', default: 50, shownWhen: { returnAll: [false] } },
		},
	},
};

function changed(
	edit: (params: Record<string, SurfaceParam>, surface: VersionSurface) => void,
): string[] {
	const after = structuredClone(BEFORE);
	edit(after.actions['team.get'], after);
	return breakingChanges(BEFORE, after);
}

describe('what breaks a saved workflow', () => {
	it('is a removed, retyped or newly required parameter, a changed default, a removed option, fewer display cases', () => {
		expect(changed((params) => delete params.teamId)).toEqual([
			'action team.get: parameter "teamId" was removed or renamed',
		]);
		expect(changed((params) => (params.teamId.type = 'number'))).toEqual([
			'action team.get: parameter "teamId" changed type from string to number',
		]);
		expect(changed((params) => (params.limit.default = 10))).toEqual([
			'action team.get: parameter "limit" changed its default from 50 to 10',
		]);
		expect(changed((params) => (params.output.values = ['json']))).toEqual([
			'action team.get: parameter "output" no longer offers "text"',
		]);
		expect(
			changed((params) => (params.search = { type: 'string', required: true, default: '' })),
		).toEqual(['action team.get: parameter "search" is new and required']);
		expect(
			changed((params) => (params.limit.shownWhen = { returnAll: [false], output: ['json'] })),
		).toEqual(['action team.get: parameter "limit" is shown in fewer cases']);
		expect(changed((_, surface) => (surface.operations.team.values = ['get']))).toEqual([
			'the operation of team no longer offers "list"',
		]);
		expect(changed((_, surface) => (surface.resources.default = 'other'))).toEqual([
			'the resource changed its default from "team" to "other"',
		]);
	});

	it('is not an addition: an optional parameter, an option value, more display cases', () => {
		expect(
			changed((params) => {
				params.search = { type: 'string', default: '' };
				params.output.values = ['json', 'text', 'binary'];
				params.limit.shownWhen = { returnAll: [false, true] };
			}),
		).toEqual([]);
	});
});

describe('changes n8n reads compatibly', () => {
	it('has each pair backed by a test here', () => {
		expect(COMPATIBLE_CHANGES.map((change) => change.why)).toEqual([
			'a plain string ID becoming a resource locator: n8n reads a saved plain string as the locator value',
			"a typed name becoming a dropdown of names loaded from Appwrite (the query builder's columns): the saved name is kept and still sent, and an expression still takes any name",
		]);
	});

	it('a typed name becoming a dropdown loaded from Appwrite: the guard accepts it (the saved name still reaching Appwrite is in tests/nodes/row-mapper.test.ts)', () => {
		const loaded = { type: 'options', required: true as const, default: '' };
		expect(changed((params) => (params.teamId = loaded))).toEqual([]);
		expect(changed((params) => (params.teamId = { ...loaded, values: ['red'] }))).toEqual([
			'action team.get: parameter "teamId" changed type from string to options',
		]);
	});

	it('a field put behind a new choice whose default shows it, beside a new required field the other choice shows', () => {
		const behindChoice = (choiceDefault: string) =>
			changed((params) => {
				params.mode = { type: 'options', default: choiceDefault, values: ['json', 'map'] };
				params.output.shownWhen = { mode: ['json'] };
				params.mapper = {
					type: 'resourceMapper',
					required: true,
					default: { mappingMode: 'defineBelow', value: null },
					shownWhen: { '/mode': ['map'] },
				};
			});
		// Saved workflows hold no choice: they read its default, JSON, and show the field as before.
		expect(behindChoice('json')).toEqual([]);
		expect(behindChoice('map')).toEqual([
			'action team.get: parameter "output" is shown in fewer cases',
			'action team.get: parameter "mapper" is new and required',
		]);
	});

	it('a plain string ID becoming a resource locator: the guard accepts it, and a saved plain string still reaches Appwrite', async () => {
		const locator = {
			type: 'resourceLocator',
			required: true as const,
			default: { __rl: true, mode: 'list', value: '' },
		};
		expect(changed((params) => (params.teamId = locator))).toEqual([]);
		expect(changed((params) => (params.teamId = { ...locator, type: 'number' }))).not.toEqual([]);

		const catalog = fixture.catalog('locator');
		catalog.write('teams.yaml', `${HEADER}actions:${GET}`);
		const { outDir } = catalog.generate(fixture.sdk);
		const node = await catalog.load(outDir, 'AppwriteTeams');
		const saved = { resource: 'team', operation: 'get', teamId: 'red' };
		const before = await requestsOf(node, 1, saved);

		// The same node with Team ID as a resource locator, as the pickers make it.
		node.description.properties = node.description.properties.map((property) =>
			property.name === 'teamId'
				? {
						...property,
						type: 'resourceLocator',
						default: { mode: 'list', value: '' },
						modes: [
							{
								displayName: 'From List',
								name: 'list',
								type: 'list',
								typeOptions: { searchListMethod: 'searchTeams' },
							},
							{ displayName: 'ID', name: 'id', type: 'string' },
						],
					}
				: property,
		);
		const after = await requestsOf(node, 1, saved);
		expect(after.result.status).toBe('success');
		expect(after.requests).toEqual(before.requests);
		expect(after.requests).toEqual([{ method: 'GET', path: '/v1/teams/red', json: undefined }]);
	});
});
