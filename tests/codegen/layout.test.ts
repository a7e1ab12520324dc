/**
 * The field layout the catalog gives, seen as a user meets it: each action's essential fields up
 * front from version 2 of its node, while saved version-1 workflows (Additional Fields) run
 * unchanged through n8n's engine; each node's main resource first; TablesDB's words in its query
 * builder; the generated-ID rule as a hint under the field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodeType } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { loadCatalog, ROOT } from '../../codegen/catalog';
import { propertiesFor, teamCreate, TEAMS, useFixture } from './support';

const fixture = useFixture();

async function generatedNode(className: string): Promise<INodeType> {
	const file = path.join(ROOT, 'generated/nodes', className, `${className}.node.ts`);
	const module = (await import(file)) as Record<string, new () => INodeType>;
	return new module[className]();
}

interface LayoutCase {
	resource: string;
	operation: string;
	/** Fields both versions show up front. */
	base: Record<string, unknown>;
	/** Fields under Additional Fields in version 1 and up front from version 2. */
	moved: Record<string, unknown>;
	request: { method: string; path: string; query?: string; json?: unknown };
}

/** One action per node whose layout changed in version 2, with what must reach Appwrite. */
const BUMPED: Record<string, LayoutCase[]> = {
	AppwriteUsers: [
		{
			resource: 'user',
			operation: 'create',
			base: { userId: 'ann' },
			moved: { email: 'ann@example.com', password: 'correct horse', name: 'Ann' },
			request: {
				method: 'POST',
				path: '/v1/users',
				json: { userId: 'ann', email: 'ann@example.com', password: 'correct horse', name: 'Ann' },
			},
		},
	],
	AppwriteTeams: [
		{
			resource: 'membership',
			operation: 'create',
			base: { teamId: 'red', roles: 'owner' },
			moved: { email: 'ann@example.com' },
			request: {
				method: 'POST',
				path: '/v1/teams/red/memberships',
				json: { email: 'ann@example.com', roles: ['owner'] },
			},
		},
	],
	AppwriteFunctions: [
		{
			resource: 'execution',
			operation: 'create',
			base: { functionId: 'resize' },
			moved: { body: '{"width":100}' },
			request: {
				method: 'POST',
				path: '/v1/functions/resize/executions',
				json: { body: '{"width":100}' },
			},
		},
	],
	AppwriteAvatars: [
		{
			resource: 'avatar',
			operation: 'getInitials',
			base: { binaryProperty: 'data' },
			moved: { name: 'Ann Lee' },
			request: { method: 'GET', path: '/v1/avatars/initials', query: 'name=Ann+Lee' },
		},
	],
	AppwriteMessaging: [
		{
			resource: 'message',
			operation: 'createEmail',
			base: { messageId: 'welcome', subject: 'Welcome', content: 'Hello' },
			// Topics and Targets stay empty: up front, an empty list is not sent.
			moved: { users: 'ann, bob' },
			request: {
				method: 'POST',
				path: '/v1/messaging/messages/email',
				json: { messageId: 'welcome', subject: 'Welcome', content: 'Hello', users: ['ann', 'bob'] },
			},
		},
		{
			resource: 'provider',
			operation: 'createTwilio',
			base: { providerId: 'sms', name: 'Twilio' },
			moved: { from: '+14155550100', accountSid: 'AC123', authToken: 'twilio-token' },
			request: {
				method: 'POST',
				path: '/v1/messaging/providers/twilio',
				json: {
					providerId: 'sms',
					name: 'Twilio',
					from: '+14155550100',
					accountSid: 'AC123',
					authToken: 'twilio-token',
				},
			},
		},
	],
	AppwriteDatabases: [
		{
			resource: 'document',
			operation: 'update',
			base: { databaseId: 'shop', collectionId: 'orders', documentId: 'o1' },
			moved: { data: '{"total":42}' },
			request: {
				method: 'PATCH',
				path: '/v1/databases/shop/collections/orders/documents/o1',
				json: { data: { total: 42 } },
			},
		},
	],
};

async function sent(node: INodeType, typeVersion: number, parameters: Record<string, unknown>) {
	fixture.stub.reset();
	fixture.stub.fallback((request) =>
		request.path.startsWith('/v1/avatars/')
			? { body: Buffer.from('png'), headers: { 'content-type': 'image/png' } }
			: { json: { $id: 'created' } },
	);
	const result = await fixture.run(node, parameters, typeVersion);
	expect(result.error?.message).toBeUndefined();
	return fixture.stub.requests.map((request) => ({
		method: request.method,
		path: request.path,
		...(request.rawQuery ? { query: request.rawQuery } : {}),
		...(request.json === undefined ? {} : { json: request.json }),
	}));
}

/** Where n8n shows a field of an action in one version: up front, under Additional Fields, or not at all. */
function placeOf(node: INodeType, version: number, action: LayoutCase, field: string): string {
	const shownFor = (property: INodeProperties) =>
		property.displayOptions?.show?.resource?.includes(action.resource) &&
		property.displayOptions.show.operation?.includes(action.operation);
	const properties = propertiesFor(node, version).filter(shownFor);
	if (properties.some((property) => property.name === field)) return 'up front';
	const additional = properties.find((property) => property.name === 'additionalFields');
	const options = (additional?.options ?? []) as INodeProperties[];
	return options.some((option) => option.name === field) ? 'Additional Fields' : 'not shown';
}

describe('essential fields up front, from version 2 of their node', () => {
	it('covers every node the catalog raised to version 2', () => {
		const raised = loadCatalog()
			.filter((service) => (service.version ?? 1) > 1)
			.map((service) => `${service.node} v${service.version}`);
		expect(raised.sort()).toEqual(
			Object.keys(BUMPED)
				.map((node) => `${node} v2`)
				.sort(),
		);
	});

	const cases = Object.entries(BUMPED).flatMap(([node, actions]) =>
		actions.map(
			(action) => [`${node} ${action.resource}.${action.operation}`, node, action] as const,
		),
	);

	it.each(cases)(
		'%s: a saved version-1 workflow runs unchanged, a new one has the fields up front',
		async (_, className, action) => {
			const node = await generatedNode(className);
			expect(node.description.version).toEqual([1, 2]);
			expect(node.description.defaultVersion).toBe(2);
			for (const field of Object.keys(action.moved)) {
				expect(placeOf(node, 1, action, field), `${field} in version 1`).toBe('Additional Fields');
				expect(placeOf(node, 2, action, field), `${field} in version 2`).toBe('up front');
			}

			const operation = { resource: action.resource, operation: action.operation };
			const saved = { ...operation, ...action.base, additionalFields: action.moved };
			expect(await sent(node, 1, saved)).toEqual([action.request]);
			const current = { ...operation, ...action.base, ...action.moved };
			expect(await sent(node, 2, current)).toEqual([action.request]);
		},
	);

	it('runs the e2e test workflow saved with version 1 (Users → Create, email and name under Additional Fields) unchanged', async () => {
		const workflow = JSON.parse(
			readFileSync(path.join(ROOT, 'tests/e2e/workflows/users-create.json'), 'utf8'),
		) as {
			nodes: Array<{ type: string; typeVersion: number; parameters: Record<string, unknown> }>;
		};
		const saved = workflow.nodes.find((entry) => entry.type.endsWith('.appwriteUsers'));
		expect(saved?.typeVersion).toBe(1);
		const requests = await sent(
			await generatedNode('AppwriteUsers'),
			1,
			saved?.parameters as Record<string, unknown>,
		);
		expect(requests).toEqual([
			{
				method: 'POST',
				path: '/v1/users',
				json: {
					userId: expect.stringMatching(/^[0-9a-f]{20}$/),
					email: 'ann@example.com',
					name: 'Ann',
				},
			},
		]);
	});

	it('in version 1, a list added under Additional Fields and left empty is still sent empty (it clears)', async () => {
		const node = await generatedNode('AppwriteMessaging');
		const base = {
			resource: 'message',
			operation: 'createEmail',
			messageId: 'm',
			subject: 'S',
			content: 'C',
		};
		const [v1] = await sent(node, 1, { ...base, additionalFields: { topics: '', users: 'ann' } });
		expect(v1.json).toEqual({
			messageId: 'm',
			subject: 'S',
			content: 'C',
			topics: [],
			users: ['ann'],
		});
	});
});

describe('the rest of the layout', () => {
	it("lists each node's main resource first, and makes it the default", async () => {
		for (const service of loadCatalog()) {
			const node = await generatedNode(service.node);
			const resource = node.description.properties.find((property) => property.name === 'resource');
			const names = (resource?.options as Array<{ name: string }>).map((option) => option.name);
			expect(names[0], service.node).toBe(service.resources[0].name);
			expect(names.slice(1), service.node).toEqual(
				[...names.slice(1)].sort((a, b) => a.localeCompare(b)),
			);
			expect(resource?.default, service.node).toBe(service.resources[0].value);
		}
		const users = await generatedNode('AppwriteUsers');
		const resource = users.description.properties.find((property) => property.name === 'resource');
		expect((resource?.options as Array<{ name: string }>).map((option) => option.name)).toEqual([
			'User',
			'MFA',
			'Session',
			'Target',
			'Token',
		]);
	});

	it("says Column in the TablesDB query builder and Attribute elsewhere, offering a table's columns, saving the same values", async () => {
		const conditionOf = async (className: string, resource: string) => {
			const node = await generatedNode(className);
			// Queries is under Additional Fields of each Get Many.
			const queries = node.description.properties
				.filter((property) => property.displayOptions?.show?.resource?.includes(resource))
				.flatMap((property) => [property, ...((property.options ?? []) as INodeProperties[])])
				.find((property) => property.name === 'queries');
			const groups = queries?.options as Array<{ name: string; values: INodeProperties[] }>;
			return groups.find((group) => group.name === 'conditions')?.values ?? [];
		};
		const rows = await conditionOf('AppwriteTablesDb', 'row');
		const users = await conditionOf('AppwriteUsers', 'user');
		const field = (values: INodeProperties[]) => values.find((value) => value.name === 'attribute');
		// Rows name a table: the column is picked from its columns (an expression takes any name).
		expect(field(rows)).toMatchObject({
			displayName: 'Column Name or ID',
			type: 'options',
			typeOptions: {
				loadOptionsMethod: 'getColumnNames',
				loadOptionsDependsOn: ['databaseId', 'databaseId.value', 'tableId', 'tableId.value'],
			},
			allowArbitraryValues: true,
		});
		const columns = await conditionOf('AppwriteTablesDb', 'column');
		expect(field(columns)).toMatchObject({ displayName: 'Column', type: 'string' });
		expect(field(users)).toMatchObject({ displayName: 'Attribute', type: 'string' });
		const operators = (values: INodeProperties[]) =>
			(
				values.find((value) => value.name === 'method')?.options as Array<{
					name: string;
					value: string;
				}>
			)
				.filter((option) => option.value === 'select')
				.map((option) => option.name);
		expect(operators(rows)).toEqual(['Select Columns']);
		expect(operators(users)).toEqual(['Select Attributes']);
		expect(rows.map((value) => value.name)).toEqual(users.map((value) => value.name));
	});

	it('shows "Leave empty to generate a unique ID" under every ID field the node can generate, and says it to agents', async () => {
		const users = await generatedNode('AppwriteUsers');
		const userId = users.description.properties.find(
			(property) =>
				property.name === 'userId' && property.displayOptions?.show?.operation?.includes('create'),
		);
		expect(userId?.hint).toBe('Leave empty to generate a unique ID');
		// The hint is for the person in the editor; an agent filling the field through $fromAI() reads the description.
		expect(userId?.description).toMatch(
			/^ID for the new user .+\. Leave empty to generate a unique ID\.$/,
		);
	});
});

describe('what the catalog may mark as shown', () => {
	it('refuses a field that always holds a value, one shown anyway, and a version the node does not have', () => {
		const catalog = fixture.catalog('shown');
		catalog.write(
			'teams.yaml',
			`${TEAMS}actions:${teamCreate(`      - { name: name, kind: string, required: true, shown: true, description: Name of the team }
      - { name: roles, kind: multiOptions, shown: true, options: [{ name: Owner, value: owner }], description: Roles of the creator }`)}`,
		);
		const file = `${catalog.catalogDir}/teams.yaml`;
		expect(catalog.problems(fixture.sdk)).toEqual([
			`${file}: action team.create: parameter "name" is shown up front anyway (required, a selector, picker-only or a string); remove "shown"`,
			`${file}: action team.create: parameter "roles" cannot be shown up front while optional: a multiOptions field always holds a value, which would always be sent`,
		]);
		catalog.write(
			'teams.yaml',
			`${TEAMS}actions:${teamCreate(`      - { name: name, kind: string, required: true, description: Name of the team }
      - { name: roles, kind: stringList, shown: { since: 2 }, description: Roles of the creator }`)}`,
		);
		expect(catalog.problems(fixture.sdk)).toEqual([
			`${file}: action team.create, param roles, shown: since 2 is after the node's version 1`,
		]);
	});
});
