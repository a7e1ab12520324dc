import type { ActionSpec } from '../src/types';
import { NODE_FIELDS } from '../src/descriptions';
import { literal, Verbatim } from './literal';
import type { Property, Show, VersionProperties } from './properties';

/**
 * The version plan. Each node's public surface (what a saved workflow depends on: resources,
 * operations, parameter names, types, required-ness, option values, defaults, display conditions)
 * is committed in spec/surface/<Node>.json. Generation compares the catalog's surface with it and
 * refuses a change that would break saved workflows, unless the node's version was raised and the
 * old version kept; every version is then one n8n node with `@version` display conditions.
 */

export const SURFACE_DIR = 'spec/surface';

export interface SurfaceParam {
	type: string;
	required?: true;
	default?: unknown;
	/** Option values, for options and multiOptions. */
	values?: unknown[];
	/** Display conditions beyond the action's resource and operation. */
	shownWhen?: Show;
	hiddenWhen?: Show;
}

export interface VersionSurface {
	resources: { default: unknown; values: unknown[] };
	operations: Record<string, { default: unknown; values: unknown[] }>;
	/** Keyed `<resource>.<operation>`, then by parameter name. */
	actions: Record<string, Record<string, SurfaceParam>>;
}

export interface NodeSurface {
	node: string;
	versions: Record<string, VersionSurface>;
}

// ---------------------------------------------------------------------------------------------
// One n8n description for every version

function showOf(property: Property): Show | undefined {
	return (property.displayOptions as { show?: Show } | undefined)?.show;
}

function withVersions(property: Property, versions: number[]): Property {
	const displayOptions = property.displayOptions as Record<string, unknown> | undefined;
	return {
		...property,
		displayOptions: { ...displayOptions, show: { ...showOf(property), '@version': versions } },
	};
}

/**
 * Merges the property lists of every version (oldest first) into one: a property the same in
 * every version is printed once; one that differs is printed per version, with `@version`.
 */
export function mergeProperties(
	lists: Array<{ version: number; properties: Property[] }>,
): Property[] {
	const merged: Array<{ property: Property; printed: string; versions: number[] }> = [];
	for (const { version, properties } of [...lists].reverse()) {
		let cursor = -1;
		for (const property of properties) {
			const printed = literal(property);
			const found = merged.findIndex(
				(entry, index) =>
					index > cursor && entry.printed === printed && !entry.versions.includes(version),
			);
			if (found >= 0) {
				merged[found].versions.unshift(version);
				cursor = found;
			} else {
				merged.splice(++cursor, 0, { property, printed, versions: [version] });
			}
		}
	}
	return merged.map(({ property, versions }) =>
		versions.length === lists.length ? property : withVersions(property, versions),
	);
}

/** Merges the call tables of every version (oldest first): an older version that behaves differently keeps its own entries. */
export function mergeTables(
	tables: Array<{ version: number; table: Record<string, ActionSpec> }>,
): Record<string, ActionSpec> {
	const newest = tables[tables.length - 1].table;
	const merged: Record<string, ActionSpec> = { ...newest };
	for (const { version, table } of tables.slice(0, -1)) {
		for (const [key, spec] of Object.entries(table)) {
			if (!newest[key] || literal(newest[key]) !== literal(spec))
				merged[`${key}@${version}`] = spec;
		}
	}
	return merged;
}

// ---------------------------------------------------------------------------------------------
// The surface

const ACTION_KEYS = new Set<string>([NODE_FIELDS.resource, NODE_FIELDS.operation, '@version']);

function conditions(show: Show | undefined): Show | undefined {
	const rest = Object.entries(show ?? {}).filter(([name]) => !ACTION_KEYS.has(name));
	return rest.length ? Object.fromEntries(rest) : undefined;
}

function valueOf(value: unknown): unknown {
	return value instanceof Verbatim ? value.value : value;
}

function surfaceParam(property: Property): SurfaceParam {
	const hide = (property.displayOptions as { hide?: Show } | undefined)?.hide;
	const entry: SurfaceParam = { type: String(property.type) };
	if (property.required === true) entry.required = true;
	if (property.default !== undefined) entry.default = property.default;
	if (property.type === 'options' || property.type === 'multiOptions') {
		entry.values = (valueOf(property.options) as Property[] | undefined)?.map(
			(option) => option.value,
		);
	}
	const shown = conditions(showOf(property));
	if (shown) entry.shownWhen = shown;
	if (hide) entry.hiddenWhen = hide;
	return entry;
}

/** One entry per field, a collection's fields (and a fixed collection's groups) under its name: `additionalFields.email`. */
function surfaceParams(
	properties: Property[],
	prefix = '',
	params: Record<string, SurfaceParam> = {},
): Record<string, SurfaceParam> {
	for (const property of properties) {
		let name = `${prefix}${String(property.name)}`;
		// The same name shown under other conditions is another field for saved workflows.
		for (let count = 2; name in params; count++)
			name = `${prefix}${String(property.name)}#${count}`;
		params[name] = surfaceParam(property);
		const options = valueOf(property.options) as Property[] | undefined;
		if (property.type === 'collection') surfaceParams(options ?? [], `${name}.`, params);
		if (property.type === 'fixedCollection') {
			for (const group of options ?? []) {
				params[`${name}.${String(group.name)}`] = { type: 'group' };
				surfaceParams(group.values as Property[], `${name}.${String(group.name)}.`, params);
			}
		}
	}
	return params;
}

function includes(values: unknown, value: string): boolean {
	return Array.isArray(values) && values.includes(value);
}

export function surfaceOf(properties: VersionProperties): VersionSurface {
	const resourceValues = (properties.resource.options as Property[]).map((option) => option.value);
	const surface: VersionSurface = {
		resources: { default: properties.resource.default, values: resourceValues },
		operations: {},
		actions: {},
	};
	for (const resource of properties.resources) {
		for (const operations of resource.operations) {
			const values = (operations.options as Property[]).map((option) => String(option.value));
			surface.operations[resource.value] = { default: operations.default, values };
			for (const operation of values) {
				const shown = resource.fields.filter((field) => {
					const show = showOf(field);
					return (
						includes(show?.[NODE_FIELDS.resource], resource.value) &&
						includes(show?.[NODE_FIELDS.operation], operation)
					);
				});
				surface.actions[`${resource.value}.${operation}`] = surfaceParams(shown);
			}
		}
	}
	return surface;
}

// ---------------------------------------------------------------------------------------------
// The guard

/**
 * Changes n8n reads compatibly although the surface differs, each backed by a test in
 * tests/codegen/versions.test.ts.
 */
export const COMPATIBLE_CHANGES: ReadonlyArray<{
	why: string;
	applies: (before: SurfaceParam, after: SurfaceParam) => boolean;
}> = [
	{
		why: 'a plain string ID becoming a resource locator: n8n reads a saved plain string as the locator value',
		applies: (before, after) =>
			before.type === 'string' &&
			after.type === 'resourceLocator' &&
			before.default === '' &&
			(after.default as { value?: unknown } | undefined)?.value === '',
	},
	{
		why: "a typed name becoming a dropdown of names loaded from Appwrite (the query builder's columns): the saved name is kept and still sent, and an expression still takes any name",
		applies: (before, after) =>
			before.type === 'string' &&
			after.type === 'options' &&
			after.values === undefined &&
			same(before.default, after.default),
	},
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A field shown only for values of a new choice other than its default: saved workflows never show it. */
function behindNewChoice(
	show: Show | undefined,
	before: Record<string, SurfaceParam>,
	after: Record<string, SurfaceParam>,
): boolean {
	return Object.entries(show ?? {}).some(([path, values]) => {
		const name = path.replace(/^\//, '');
		return (
			!before[name] && after[name] && !values.some((value) => same(value, after[name].default))
		);
	});
}

/**
 * A field now shown only for some values of a choice the action did not have before, whose
 * default is one of them (the row mapper's "Data Input", JSON by default): a saved workflow holds
 * no value for the choice, reads its default, and shows and runs the field as before.
 */
function withoutNewChoices(
	show: Show | undefined,
	before: Record<string, SurfaceParam>,
	after: Record<string, SurfaceParam>,
): Show | undefined {
	if (!show) return show;
	const kept = Object.entries(show).filter(([path, values]) => {
		const name = path.replace(/^\//, '');
		const choice = after[name];
		return before[name] || !choice || !values.some((value) => same(value, choice.default));
	});
	return kept.length ? Object.fromEntries(kept) : undefined;
}

function narrowed(before: Show | undefined, after: Show | undefined): boolean {
	return Object.entries(after ?? {}).some(
		([name, values]) =>
			!before?.[name] || before[name].some((value) => !values.some((other) => same(other, value))),
	);
}

function compareParams(
	before: Record<string, SurfaceParam>,
	after: Record<string, SurfaceParam>,
	found: string[],
): void {
	for (const [name, old] of Object.entries(before)) {
		const now = after[name];
		const at = `parameter "${name}"`;
		if (!now) {
			found.push(`${at} was removed or renamed`);
			continue;
		}
		if (COMPATIBLE_CHANGES.some((change) => change.applies(old, now))) continue;
		if (old.type !== now.type) found.push(`${at} changed type from ${old.type} to ${now.type}`);
		else if (!same(old.default, now.default))
			found.push(
				`${at} changed its default from ${JSON.stringify(old.default)} to ${JSON.stringify(now.default)}`,
			);
		if (!old.required && now.required) found.push(`${at} became required`);
		const removed = (old.values ?? []).filter(
			(value) => !(now.values ?? []).some((other) => same(other, value)),
		);
		if (removed.length)
			found.push(
				`${at} no longer offers ${removed.map((value) => JSON.stringify(value)).join(', ')}`,
			);
		const shownWhen = withoutNewChoices(now.shownWhen, before, after);
		if (narrowed(old.shownWhen, shownWhen) || narrowed(now.hiddenWhen, old.hiddenWhen))
			found.push(`${at} is shown in fewer cases`);
	}
	for (const [name, now] of Object.entries(after)) {
		if (!before[name] && now.required && !behindNewChoice(now.shownWhen, before, after))
			found.push(`parameter "${name}" is new and required`);
	}
}

/** What a saved workflow of this version would lose, or meet differently, after the change. */
export function breakingChanges(before: VersionSurface, after: VersionSurface): string[] {
	const found: string[] = [];
	const selector = (
		what: string,
		old: { default: unknown; values: unknown[] },
		now: { default: unknown; values: unknown[] } | undefined,
	) => {
		const removed = old.values.filter((value) => !now?.values.some((other) => same(other, value)));
		if (removed.length)
			found.push(
				`${what} no longer offers ${removed.map((value) => JSON.stringify(value)).join(', ')}`,
			);
		if (now && !same(old.default, now.default))
			found.push(
				`${what} changed its default from ${JSON.stringify(old.default)} to ${JSON.stringify(now.default)}`,
			);
	};
	selector('the resource', before.resources, after.resources);
	for (const [resource, operations] of Object.entries(before.operations)) {
		if (after.operations[resource])
			selector(`the operation of ${resource}`, operations, after.operations[resource]);
	}
	for (const [key, params] of Object.entries(before.actions)) {
		const now = after.actions[key];
		if (!now) continue;
		const changes: string[] = [];
		compareParams(params, now, changes);
		found.push(...changes.map((change) => `action ${key}: ${change}`));
	}
	return found;
}

/**
 * Refuses a catalog whose surface would break saved workflows of any version already published
 * (in the committed snapshot), naming each change and how to keep the old version.
 */
export function guardProblems(
	file: string,
	node: string,
	before: NodeSurface | undefined,
	after: NodeSurface,
): string[] {
	if (!before) return [];
	const current = Math.max(...Object.keys(after.versions).map(Number));
	const problems: string[] = [];
	for (const [version, surface] of Object.entries(before.versions)) {
		const now = after.versions[version];
		if (!now) {
			problems.push(
				`${file}: ${node} version ${version} was published; a node keeps every version it had, so saved workflows still load`,
			);
			continue;
		}
		const changes = breakingChanges(surface, now);
		if (changes.length === 0) continue;
		problems.push(...changes.map((change) => `${file}: ${node} version ${version}, ${change}`));
		const next = Number(version) + 1;
		problems.push(
			Number(version) === current
				? `${file}: these changes break saved ${node} version ${version} workflows. Raise the node's version (version: ${next}) and keep version ${version} as it was: mark the entries it had "until: ${version}" and the changed ones "since: ${next}"`
				: `${file}: these changes break saved ${node} version ${version} workflows, which keep their version: mark the entries version ${version} had with until, and the changed ones with since`,
		);
	}
	return problems;
}
