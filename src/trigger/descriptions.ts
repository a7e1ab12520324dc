/**
 * The parameters of the two Appwrite triggers: what to watch (a resource), which (pickers of the
 * database, table, bucket… with "Any" for webhooks) and, for webhooks, which events.
 */
import type { ILoadOptionsFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { APPWRITE_ID_PATTERN as ID_REGEX } from '../descriptions';
import type { ListSearchMethod } from '../list-search';
import { listSearchMethod, parentArguments } from '../list-search';
import { ANY_ID, eventOptions } from './events';
import type { Picker, PickerKey, WatchedResource } from './resources';
import { PICKERS, pickersOf, RESOURCES } from './resources';

function resourceOptions(resources: readonly WatchedResource[]): INodePropertyOptions[] {
	return resources.map((resource) => ({
		name: resource.name,
		value: resource.value,
		description: resource.description,
	}));
}

/** A picker of the ID of a database, table, bucket… shown for the resources on whose path it lies. */
function locator(
	key: PickerKey,
	resources: readonly WatchedResource[],
	anyAllowed: boolean,
): INodeProperties {
	const picker: Picker = PICKERS[key];
	const noun = picker.label.toLowerCase();
	const parents = Object.values(picker.source.parents ?? {});
	return {
		displayName: picker.label,
		name: picker.name,
		type: 'resourceLocator',
		default: anyAllowed
			? { mode: 'list', value: ANY_ID, cachedResultName: `Any ${picker.label}` }
			: { mode: 'list', value: '' },
		required: true,
		displayOptions: {
			show: {
				resource: resources
					.filter((resource) => pickersOf(resource).includes(key))
					.map((resource) => resource.value),
			},
		},
		typeOptions: parents.length
			? { loadOptionsDependsOn: parents.map((parent) => `${parent}.value`) }
			: undefined,
		description: anyAllowed
			? `The ${noun} whose events start the workflow, or Any ${noun}`
			: `The ${noun} to watch`,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${noun}…`,
				typeOptions: { searchListMethod: picker.searchMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: anyAllowed
					? `${picker.name.replace(/Id$/, '')}-id, or * for any`
					: `${picker.name.replace(/Id$/, '')}-id`,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: anyAllowed ? `^(\\*|${ID_REGEX})$` : `^${ID_REGEX}$`,
							errorMessage: `Not an Appwrite ID: up to 36 letters, digits, periods, hyphens and underscores${anyAllowed ? ', or *' : ''}`,
						},
					},
				],
			},
		],
	};
}

/** One picker per kind of ID the resources' paths need, in path order. */
function locators(resources: readonly WatchedResource[], anyAllowed: boolean): INodeProperties[] {
	const keys = [...new Set(resources.flatMap(pickersOf))];
	return keys.map((key) => locator(key, resources, anyAllowed));
}

/** The list searches behind the pickers; with `anyAllowed`, each list starts with "Any …". */
export function pickerSearches(anyAllowed: boolean): Record<string, ListSearchMethod> {
	const searches: Record<string, ListSearchMethod> = {};
	for (const picker of Object.values(PICKERS) as Picker[]) {
		const search = listSearchMethod(picker.source);
		searches[picker.searchMethod] = !anyAllowed
			? search
			: async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
					const any = { name: `Any ${picker.label}`, value: ANY_ID };
					// Below "any database" there is no list of tables to search, only "any table".
					if (Object.values(parentArguments(this, picker.source) ?? {}).includes(ANY_ID))
						return { results: [any] };
					const page = await search.call(this, filter, paginationToken);
					const first = !paginationToken && !filter?.trim();
					return { ...page, results: first ? [any, ...page.results] : page.results };
				};
	}
	return searches;
}

/** The editor's options for the Events parameter: the chosen resource's actions, named by their event names. */
export async function getEventOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return eventOptions((name) => this.getCurrentNodeParameter(name, { extractValue: true }));
}

const PICKER_NAMES = [...new Set(Object.values(PICKERS).map((picker) => picker.name))];

export const webhookTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Registration',
		name: 'registration',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Automatic',
				value: 'automatic',
				description:
					'The node registers the webhook in Appwrite when the workflow is activated (Appwrite Cloud, self-hosted 1.9 and later)',
			},
			{
				name: 'Manual',
				value: 'manual',
				description:
					'You add the webhook in the Appwrite console (servers without the Webhooks API, e.g. self-hosted 1.8)',
			},
		],
		default: 'automatic',
	},
	{
		displayName:
			"On activation n8n creates the webhook in Appwrite with a secret of its own, and deletes it on deactivation. The API key needs the scopes webhooks.read and webhooks.write, and Appwrite must reach n8n's public URL (n8n's WEBHOOK_URL): Appwrite refuses localhost and bare IP addresses.",
		name: 'automaticNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { registration: ['automatic'] } },
	},
	{
		displayName:
			'In the Appwrite console open Settings → Webhooks → Create webhook, paste the Production URL shown above, choose the events listed below, and put the webhook\'s Signature Key into the "Appwrite Webhook API" credential.',
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { registration: ['manual'] } },
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			...resourceOptions(RESOURCES),
			{
				name: 'Custom Events Only',
				value: 'custom',
				description: 'Only the event names given under Custom Events',
			},
		],
		default: 'row',
	},
	...locators(RESOURCES, true),
	{
		displayName: 'Events',
		name: 'actions',
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: 'getEventOptions',
			loadOptionsDependsOn: ['resource', ...PICKER_NAMES.map((name) => `${name}.value`)],
		},
		displayOptions: { hide: { resource: ['custom'] } },
		default: ['create'],
		description:
			'The events that start the workflow, shown by the event names the webhook subscribes to',
	},
	{
		displayName: 'Custom Events',
		name: 'customEvents',
		type: 'string',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Event' },
		default: [],
		placeholder: 'teams.*.memberships.*.update.status',
		description:
			'More event names to subscribe to, as Appwrite spells them; up to 100 events in all',
	},
	{
		displayName: 'Verify Signatures',
		name: 'verifySignature',
		type: 'boolean',
		default: true,
		description:
			"Whether to refuse (HTTP 401) every delivery that does not carry the webhook's signature",
	},
	{
		displayName:
			'Signature verification is off: anyone who learns this URL can start the workflow with a payload of their choosing. Turn it back on unless something else guards the URL.',
		name: 'verificationOffNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { verifySignature: [false] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { registration: ['manual'] } },
		options: [
			{
				displayName: 'URL Registered in Appwrite',
				name: 'registeredUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…',
				description:
					'The URL exactly as entered in the Appwrite console, when it differs from the Production URL above (e.g. behind a proxy); Appwrite signs it with each delivery',
			},
		],
	},
];

const POLLED = RESOURCES.filter((resource) => resource.list);

export const pollingTriggerProperties: INodeProperties[] = [
	{
		displayName: `Works with every Appwrite version. The API key needs the read scope of what is watched (${POLLED.map((resource) => resource.readScope).join(', ')}) and of the pickers' lists.`,
		name: 'pollingNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resourceOptions(POLLED),
		default: 'row',
	},
	...locators(POLLED, false),
	{
		displayName: 'Trigger On',
		name: 'watch',
		type: 'options',
		options: [
			{
				name: 'New',
				value: 'created',
				description: 'Records created since the last poll (by $createdAt)',
			},
			{
				name: 'Updated',
				value: 'updated',
				description: 'Records changed since the last poll, without new ones (by $updatedAt)',
			},
			{
				name: 'New or Updated',
				value: 'createdOrUpdated',
				description: 'Records created or changed since the last poll (by $updatedAt)',
			},
		],
		default: 'created',
	},
];
