/**
 * What the triggers can watch: each Appwrite resource with the path of its event names, the
 * pickers that choose the IDs along that path, the actions Appwrite reports for it, and (for the
 * polling trigger) the node-appwrite list method that returns its records.
 */
import { Databases, Functions, Messaging, Storage, TablesDB, Teams, Users } from 'node-appwrite';

import type { ListSource } from '../list-search';
import { APPWRITE_LISTS } from '../list-search';

export type EventAction = 'create' | 'update' | 'delete';

export interface Picker {
	/** The node parameter, named like the SDK argument it fills (e.g. `databaseId`). */
	name: string;
	/** The thing picked, for labels and messages ("Database"). */
	label: string;
	/** The list-search method of the node that lists candidates. */
	searchMethod: string;
	source: ListSource;
}

export const PICKERS = {
	database: {
		name: 'databaseId',
		label: 'Database',
		searchMethod: 'searchDatabases',
		source: APPWRITE_LISTS.databases,
	},
	legacyDatabase: {
		name: 'databaseId',
		label: 'Database',
		searchMethod: 'searchLegacyDatabases',
		source: APPWRITE_LISTS.legacyDatabases,
	},
	table: {
		name: 'tableId',
		label: 'Table',
		searchMethod: 'searchTables',
		source: APPWRITE_LISTS.tables,
	},
	collection: {
		name: 'collectionId',
		label: 'Collection',
		searchMethod: 'searchCollections',
		source: APPWRITE_LISTS.collections,
	},
	bucket: {
		name: 'bucketId',
		label: 'Bucket',
		searchMethod: 'searchBuckets',
		source: APPWRITE_LISTS.buckets,
	},
	function: {
		name: 'functionId',
		label: 'Function',
		searchMethod: 'searchFunctions',
		source: APPWRITE_LISTS.functions,
	},
	site: {
		name: 'siteId',
		label: 'Site',
		searchMethod: 'searchSites',
		source: APPWRITE_LISTS.sites,
	},
	team: {
		name: 'teamId',
		label: 'Team',
		searchMethod: 'searchTeams',
		source: APPWRITE_LISTS.teams,
	},
	user: {
		name: 'userId',
		label: 'User',
		searchMethod: 'searchUsers',
		source: APPWRITE_LISTS.users,
	},
} as const satisfies Record<string, Picker>;

export type PickerKey = keyof typeof PICKERS;

export interface WatchedResource {
	value: string;
	/** Singular, as in the picker ("Row") and in messages. */
	name: string;
	description: string;
	/** Event name segments: each collection, with the picker that chooses its ID (none: any record). */
	path: ReadonlyArray<{ collection: string; picker?: PickerKey }>;
	actions: readonly EventAction[];
	/** For the polling trigger: the list of records, with the path's pickers as its arguments. */
	list?: { service: ListSource['service']; method: string; key: string };
	/** The API key scope that list needs. */
	readScope?: string;
}

const ALL_ACTIONS: readonly EventAction[] = ['create', 'update', 'delete'];

export const RESOURCES: readonly WatchedResource[] = [
	{
		value: 'row',
		name: 'Row',
		description: 'Rows of a TablesDB table',
		path: [
			{ collection: 'databases', picker: 'database' },
			{ collection: 'tables', picker: 'table' },
			{ collection: 'rows' },
		],
		actions: ALL_ACTIONS,
		list: { service: TablesDB, method: 'listRows', key: 'rows' },
		readScope: 'rows.read',
	},
	{
		value: 'document',
		name: 'Document',
		description: 'Documents of a collection (legacy Databases API)',
		path: [
			{ collection: 'databases', picker: 'legacyDatabase' },
			{ collection: 'collections', picker: 'collection' },
			{ collection: 'documents' },
		],
		actions: ALL_ACTIONS,
		list: { service: Databases, method: 'listDocuments', key: 'documents' },
		readScope: 'documents.read',
	},
	{
		value: 'file',
		name: 'File',
		description: 'Files of a storage bucket',
		path: [{ collection: 'buckets', picker: 'bucket' }, { collection: 'files' }],
		actions: ALL_ACTIONS,
		list: { service: Storage, method: 'listFiles', key: 'files' },
		readScope: 'files.read',
	},
	{
		value: 'user',
		name: 'User',
		description: 'Users of the project',
		path: [{ collection: 'users' }],
		actions: ALL_ACTIONS,
		list: { service: Users, method: 'list', key: 'users' },
		readScope: 'users.read',
	},
	{
		value: 'session',
		name: 'Session',
		description: 'Sign-ins and sign-outs of users',
		path: [{ collection: 'users', picker: 'user' }, { collection: 'sessions' }],
		actions: ['create', 'delete'],
	},
	{
		value: 'team',
		name: 'Team',
		description: 'Teams of the project',
		path: [{ collection: 'teams' }],
		actions: ALL_ACTIONS,
	},
	{
		value: 'membership',
		name: 'Membership',
		description: 'Members of a team (an update is e.g. an accepted invitation or changed roles)',
		path: [{ collection: 'teams', picker: 'team' }, { collection: 'memberships' }],
		actions: ALL_ACTIONS,
		list: { service: Teams, method: 'listMemberships', key: 'memberships' },
		readScope: 'teams.read',
	},
	{
		value: 'execution',
		name: 'Function Execution',
		description: 'Executions of a function (an update is e.g. a finished execution)',
		path: [{ collection: 'functions', picker: 'function' }, { collection: 'executions' }],
		actions: ALL_ACTIONS,
		list: { service: Functions, method: 'listExecutions', key: 'executions' },
		readScope: 'execution.read',
	},
	{
		value: 'deployment',
		name: 'Function Deployment',
		description: 'Deployments of a function (an update is e.g. a finished build)',
		path: [{ collection: 'functions', picker: 'function' }, { collection: 'deployments' }],
		actions: ALL_ACTIONS,
	},
	{
		value: 'siteDeployment',
		name: 'Site Deployment',
		description: 'Deployments of a site',
		path: [{ collection: 'sites', picker: 'site' }, { collection: 'deployments' }],
		actions: ALL_ACTIONS,
	},
	{
		value: 'message',
		name: 'Message',
		description: 'Messages sent through Messaging (an update is e.g. a changed delivery status)',
		path: [{ collection: 'messages' }],
		actions: ['create', 'update'],
		list: { service: Messaging, method: 'listMessages', key: 'messages' },
		readScope: 'messages.read',
	},
];

export function resourceOf(value: string): WatchedResource | undefined {
	return RESOURCES.find((resource) => resource.value === value);
}

export function pickersOf(resource: WatchedResource): PickerKey[] {
	return resource.path.flatMap((step) => (step.picker ? [step.picker] : []));
}

/**
 * Appwrite's name for an event: the path with each chosen ID or `*`, then the action, e.g.
 * `databases.shop.tables.*.rows.*.create`.
 */
export function eventName(
	resource: WatchedResource,
	ids: Readonly<Record<string, string>>,
	action: EventAction,
): string {
	const segments = resource.path.map(
		(step) => `${step.collection}.${step.picker ? ids[PICKERS[step.picker].name] : '*'}`,
	);
	return `${segments.join('.')}.${action}`;
}

const ACTIONS = new Set<string>(['create', 'update', 'delete', 'upsert']);

/**
 * The action of an event name: the first segment in a collection's place that names one
 * (`users.u1.update.email` → `update.email`), since IDs stand only in the odd places.
 */
export function actionOf(event: string): string | undefined {
	const segments = event.split('.');
	const index = segments.findIndex(
		(segment, position) => position % 2 === 0 && ACTIONS.has(segment),
	);
	return index === -1 ? undefined : segments.slice(index).join('.');
}
