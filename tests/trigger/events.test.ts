import { describe, expect, it } from 'vitest';

import { eventOptions, subscribedEvents } from '../../src/trigger/events';
import { actionOf, RESOURCES } from '../../src/trigger/resources';

const reader = (parameters: Record<string, unknown>) => (name: string) => parameters[name];

describe('the event names a webhook subscribes to', () => {
	it('builds Appwrite event names from the resource, the chosen IDs or *, and the actions', () => {
		expect(
			subscribedEvents(
				reader({
					resource: 'row',
					databaseId: 'shop',
					tableId: '*',
					actions: ['create', 'delete'],
					customEvents: [],
				}),
			),
		).toEqual(['databases.shop.tables.*.rows.*.create', 'databases.shop.tables.*.rows.*.delete']);
		expect(
			subscribedEvents(
				reader({
					resource: 'document',
					databaseId: '*',
					collectionId: 'orders',
					actions: ['update'],
				}),
			),
		).toEqual(['databases.*.collections.orders.documents.*.update']);
		expect(
			subscribedEvents(reader({ resource: 'file', bucketId: 'avatars', actions: ['create'] })),
		).toEqual(['buckets.avatars.files.*.create']);
		expect(subscribedEvents(reader({ resource: 'user', actions: ['create'] }))).toEqual([
			'users.*.create',
		]);
		expect(
			subscribedEvents(reader({ resource: 'session', userId: '*', actions: ['create'] })),
		).toEqual(['users.*.sessions.*.create']);
		expect(
			subscribedEvents(reader({ resource: 'membership', teamId: 't1', actions: ['update'] })),
		).toEqual(['teams.t1.memberships.*.update']);
		expect(
			subscribedEvents(reader({ resource: 'execution', functionId: '*', actions: ['update'] })),
		).toEqual(['functions.*.executions.*.update']);
		expect(
			subscribedEvents(reader({ resource: 'deployment', functionId: 'f1', actions: ['create'] })),
		).toEqual(['functions.f1.deployments.*.create']);
		expect(
			subscribedEvents(reader({ resource: 'siteDeployment', siteId: 's1', actions: ['update'] })),
		).toEqual(['sites.s1.deployments.*.update']);
		expect(subscribedEvents(reader({ resource: 'message', actions: ['create'] }))).toEqual([
			'messages.*.create',
		]);
		expect(subscribedEvents(reader({ resource: 'team', actions: ['delete'] }))).toEqual([
			'teams.*.delete',
		]);
	});

	it('adds custom event names, drops repeats, and takes custom events alone', () => {
		expect(
			subscribedEvents(
				reader({
					resource: 'user',
					actions: ['create'],
					customEvents: ['users.*.create', ' teams.*.memberships.*.update.status ', ''],
				}),
			),
		).toEqual(['users.*.create', 'teams.*.memberships.*.update.status']);
		expect(
			subscribedEvents(reader({ resource: 'custom', customEvents: 'buckets.*.files.*.delete' })),
		).toEqual(['buckets.*.files.*.delete']);
	});

	it('refuses bad input before anything is sent, naming the field', () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[
				{ resource: 'row', databaseId: '', tableId: '*', actions: ['create'] },
				'Database is empty: choose a database, or Any',
			],
			[
				{ resource: 'row', databaseId: 'shop', tableId: 'bad id!', actions: ['create'] },
				'Table "bad id!" is not an Appwrite ID',
			],
			[
				{ resource: 'message', actions: ['delete'] },
				'Events: "delete" is not an event of a message (create, update)',
			],
			[
				{ resource: 'user', actions: [], customEvents: [] },
				'Events: choose at least one event, or add a custom event',
			],
			[
				{ resource: 'custom', customEvents: ['users *.create'] },
				'Custom event "users *.create" is not an Appwrite event name',
			],
			[
				{
					resource: 'custom',
					customEvents: Array.from({ length: 101 }, (_, index) => `users.u${index}.create`),
				},
				'Appwrite takes at most 100 per webhook',
			],
			[{ resource: 'nothing' }, 'Unknown resource "nothing"'],
		];
		for (const [parameters, message] of cases)
			expect(() => subscribedEvents(reader(parameters)), message).toThrow(message);
	});
});

describe('the Events options shown in the editor', () => {
	it("are the resource's actions, each named by the exact event it subscribes to", () => {
		expect(eventOptions(reader({ resource: 'row', databaseId: 'shop', tableId: '*' }))).toEqual([
			{
				name: 'databases.shop.tables.*.rows.*.create',
				value: 'create',
				description: 'A row is created',
			},
			{
				name: 'databases.shop.tables.*.rows.*.update',
				value: 'update',
				description: 'A row is updated',
			},
			{
				name: 'databases.shop.tables.*.rows.*.delete',
				value: 'delete',
				description: 'A row is deleted',
			},
		]);
		expect(
			eventOptions(reader({ resource: 'session', userId: '' })).map((option) => option.name),
		).toEqual(['users.<user>.sessions.*.create', 'users.<user>.sessions.*.delete']);
		expect(eventOptions(reader({ resource: 'custom' }))).toEqual([]);
	});

	it('cover every resource the trigger offers', () => {
		for (const resource of RESOURCES)
			expect(eventOptions(reader({ resource: resource.value })).length).toBe(
				resource.actions.length,
			);
	});
});

describe('the action of a delivered event', () => {
	it("is the first action word in a collection's place, with its sub-action", () => {
		expect(actionOf('databases.shop.tables.orders.rows.r1.create')).toBe('create');
		expect(actionOf('users.u1.update.email')).toBe('update.email');
		expect(actionOf('teams.*.memberships.m1.update.status')).toBe('update.status');
		// an ID that happens to be an action word stands in an ID's place and is not taken for one
		expect(actionOf('users.delete.sessions.s1.create')).toBe('create');
		expect(actionOf('databases.*.tables.*.rows.*')).toBeUndefined();
	});
});
