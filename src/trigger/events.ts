/**
 * The event names a trigger subscribes to, from its parameters: the chosen resource's actions at
 * the chosen IDs (or `*` for any), plus custom event names. Checked before anything is sent.
 */
import type { INodePropertyOptions } from 'n8n-workflow';

import type { EventAction, WatchedResource } from './resources';
import { eventName, PICKERS, pickersOf, resourceOf } from './resources';

/** Reads a parameter's plain value (resource locators give their ID). */
export type ReadParameter = (name: string) => unknown;

/** Appwrite's ID rule: up to 36 of a-z, A-Z, 0-9, period, hyphen, underscore, not starting with a special character. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;
const CUSTOM_EVENT = /^[a-z]+(\.[^.\s]+)+$/;
export const ANY_ID = '*';
/** Appwrite takes at most 100 events per webhook. */
export const MAX_EVENTS = 100;

export class EventInputError extends Error {}

function textOf(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** The chosen ID of every picker on the resource's path, checked; `*` only where `anyAllowed`. */
export function chosenIds(
	resource: WatchedResource,
	read: ReadParameter,
	anyAllowed: boolean,
): Record<string, string> {
	const ids: Record<string, string> = {};
	for (const key of pickersOf(resource)) {
		const picker = PICKERS[key];
		const id = textOf(read(picker.name));
		if (id === '') {
			throw new EventInputError(
				`${picker.label} is empty: choose a ${picker.label.toLowerCase()}${anyAllowed ? ', or Any' : ''}`,
			);
		}
		if (!(anyAllowed && id === ANY_ID) && !ID_PATTERN.test(id)) {
			throw new EventInputError(
				`${picker.label} "${id}" is not an Appwrite ID (up to 36 letters, digits, periods, hyphens and underscores)`,
			);
		}
		ids[picker.name] = id;
	}
	return ids;
}

function customEvents(read: ReadParameter): string[] {
	const value = read('customEvents');
	const list = Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value];
	return list
		.map(textOf)
		.filter((event) => event !== '')
		.map((event) => {
			if (!CUSTOM_EVENT.test(event) || event.length > 256) {
				throw new EventInputError(
					`Custom event "${event}" is not an Appwrite event name, e.g. teams.*.memberships.*.update.status`,
				);
			}
			return event;
		});
}

/** The event names the webhook trigger subscribes to, without repeats. */
export function subscribedEvents(read: ReadParameter): string[] {
	const events: string[] = [];
	const chosen = textOf(read('resource'));
	if (chosen !== 'custom') {
		const resource = resourceOf(chosen);
		if (!resource) throw new EventInputError(`Unknown resource "${chosen}"`);
		const ids = chosenIds(resource, read, true);
		const actions = read('actions');
		for (const action of Array.isArray(actions) ? actions : []) {
			if (!resource.actions.includes(action as EventAction)) {
				throw new EventInputError(
					`Events: "${String(action)}" is not an event of a ${resource.name.toLowerCase()} (${resource.actions.join(', ')})`,
				);
			}
			events.push(eventName(resource, ids, action as EventAction));
		}
	}
	events.push(...customEvents(read));
	const unique = [...new Set(events)];
	if (unique.length === 0)
		throw new EventInputError('Events: choose at least one event, or add a custom event');
	if (unique.length > MAX_EVENTS) {
		throw new EventInputError(
			`Events: ${unique.length} events chosen; Appwrite takes at most ${MAX_EVENTS} per webhook`,
		);
	}
	return unique;
}

/**
 * The resource's actions as options named by the exact event each subscribes to, for the editor:
 * the node shows the event names while the stored values stay the actions.
 */
export function eventOptions(read: ReadParameter): INodePropertyOptions[] {
	const resource = resourceOf(textOf(read('resource')));
	if (!resource) return [];
	const ids = Object.fromEntries(
		pickersOf(resource).map((key) => [
			PICKERS[key].name,
			textOf(read(PICKERS[key].name)) || `<${PICKERS[key].label.toLowerCase()}>`,
		]),
	);
	return resource.actions.map((action) => ({
		name: eventName(resource, ids, action),
		value: action,
		description: `A ${resource.name.toLowerCase()} is ${action === 'create' ? 'created' : `${action}d`}`,
	}));
}
