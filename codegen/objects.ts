import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import yaml from 'js-yaml';

import { APPWRITE_ID_RULE, locatorModes } from '../src/locators';
import { CATALOG_DIR, CatalogError, ROOT, SCHEMA_PATH } from './catalog';
import { runtimeCall, Verbatim } from './literal';
import type { Property } from './properties';
import type { SdkDeclarations } from './sdk';
import { humanize, joinSentences } from './text';

/**
 * The Appwrite objects a parameter can name (spec/catalog/_objects.yaml), once per kind: which
 * parameters name one, and the node-appwrite list that gives the editor's "From list" choices.
 * The resolver asks `objectKindOf` for each ID parameter; a parameter naming an existing object
 * whose list's parents the action has becomes a resource locator.
 */

export const OBJECTS_FILE = '_objects.yaml';

export type ObjectSearch = 'arg' | 'local' | { startsWith: string };
export type ObjectPaging = 'cursor' | 'offset' | 'none';

export interface ObjectKind {
	kind: string;
	noun: string;
	params: string[];
	/** Only in these SDK services' nodes. */
	in?: string[];
	/** Only in actions of these catalog resources. */
	resources?: string[];
	/** SDK methods (a regular expression) whose parameter names a new object of this kind. */
	creates?: string;
	list: { service: string; method: string; key: string };
	/** The record field holding the ID ($id unless given). */
	id?: string;
	label: string[];
	search: ObjectSearch;
	paging: ObjectPaging;
	parents?: string[];
	/** The console URL segment before the ID (`table` for `…/table-<ID>`). */
	url?: string;
	scope: string;
}

/** What a parameter naming an existing object gets: its kind's list search, and the parameters that list needs. */
export interface ResolvedLocator {
	kind: string;
	noun: string;
	searchMethod: string;
	parents: string[];
	url?: string;
}

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(data: unknown): boolean {
	if (!validator) {
		const ajv = new Ajv({ allErrors: true, strict: false });
		const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $id: string };
		ajv.addSchema(schema);
		validator = ajv.getSchema(`${schema.$id}#/definitions/objectsFile`);
	}
	return (validator as ReturnType<Ajv['compile']>)(data) === true;
}

/** The catalog's object kinds; none when the folder has no objects file (a catalog without pickers). */
export function loadObjects(dir = CATALOG_DIR): ObjectKind[] {
	const file = path.join(dir, OBJECTS_FILE);
	if (!existsSync(file)) return [];
	const name = path.relative(ROOT, file);
	let data: unknown;
	try {
		data = yaml.load(readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA, filename: name });
	} catch (error) {
		throw new CatalogError([`${name}: not valid YAML: ${(error as Error).message}`]);
	}
	if (!validate(data)) {
		throw new CatalogError(
			(validator?.errors ?? []).map(
				(error) => `${name}: ${error.instancePath || '(top level)'}: ${error.message}`,
			),
		);
	}
	return (data as { objects: ObjectKind[] }).objects;
}

/** The list search method of a kind, e.g. `searchTable`. */
export function searchMethodOf(kind: string): string {
	return `search${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}

/**
 * Checks every kind against node-appwrite's declarations: the list method, the key of its
 * records, the ID, label and search fields of those records, the search argument and queries it
 * needs, and that its parents are exactly the arguments it requires.
 */
export function objectProblems(objects: ObjectKind[], sdk: SdkDeclarations): string[] {
	const problems: string[] = [];
	const kinds = new Set<string>();
	for (const object of objects) {
		const at = `spec/catalog/${OBJECTS_FILE}: ${object.kind}`;
		if (kinds.has(object.kind)) problems.push(`${at}: the kind appears twice`);
		kinds.add(object.kind);
		if (object.creates !== undefined) {
			try {
				new RegExp(object.creates);
			} catch {
				problems.push(`${at}: creates "${object.creates}" is not a regular expression`);
			}
		}
		const { service, method: name, key } = object.list;
		const method = sdk.method(service, name);
		if (!method) {
			problems.push(`${at}: node-appwrite ${sdk.version} has no method ${service}.${name}`);
			continue;
		}
		const where = `${service}.${name}`;
		if (!method.resultProperties.includes(key)) {
			problems.push(
				`${at}: list key "${key}" is not in the result of ${where} (it has: ${method.resultProperties.join(', ')})`,
			);
			continue;
		}
		const fields = method.itemProperties[key] ?? [];
		const startsWith = typeof object.search === 'object' ? [object.search.startsWith] : [];
		for (const field of [object.id ?? '$id', ...object.label, ...startsWith]) {
			if (!fields.includes(field))
				problems.push(`${at}: the records of ${where} have no field "${field}"`);
		}
		const takes = new Set(method.params.map((param) => param.name));
		if (object.search === 'arg' && !takes.has('search'))
			problems.push(`${at}: search "arg", but ${where} takes no search argument`);
		if ((object.paging !== 'none' || startsWith.length) && !takes.has('queries'))
			problems.push(`${at}: paging or searching with queries, but ${where} takes no queries`);
		for (const parent of object.parents ?? []) {
			if (!takes.has(parent))
				problems.push(`${at}: parent "${parent}" is not an argument of ${where}`);
		}
		for (const param of method.params) {
			if (param.required && !(object.parents ?? []).includes(param.name))
				problems.push(`${at}: ${where} requires "${param.name}"; list it under parents`);
		}
	}
	return problems;
}

/** Where a parameter appears: the node's SDK service, the action's resource and its SDK methods. */
export interface ParamPlace {
	service: string;
	resource: string;
	methods: string[];
	param: string;
}

/**
 * The kind of object a string parameter names, or undefined when it names none or a new one.
 * Two kinds claiming the same parameter is a problem of the objects file.
 */
export function objectKindOf(
	objects: ObjectKind[],
	place: ParamPlace,
	fail: (problem: string) => void,
): ObjectKind | undefined {
	const found = objects.filter(
		(object) =>
			object.params.includes(place.param) &&
			(!object.in || object.in.includes(place.service)) &&
			(!object.resources || object.resources.includes(place.resource)),
	);
	if (found.length > 1)
		fail(
			`parameter "${place.param}" is claimed by the object kinds ${found.map((object) => object.kind).join(', ')} in ${OBJECTS_FILE}; narrow them with "in" or "resources"`,
		);
	const [object] = found;
	if (!object) return undefined;
	const creates = object.creates ? new RegExp(object.creates) : undefined;
	return creates && place.methods.some((method) => creates.test(method)) ? undefined : object;
}

/** The locator of a parameter naming an object of `object`'s kind, when the action has every parent its list needs. */
export function locatorOf(
	object: ObjectKind,
	topLevel: ReadonlySet<string>,
): ResolvedLocator | undefined {
	const parents = object.parents ?? [];
	if (!parents.every((parent) => topLevel.has(parent))) return undefined;
	return {
		kind: object.kind,
		noun: object.noun,
		searchMethod: searchMethodOf(object.kind),
		parents,
		url: object.url,
	};
}

/** What a locator's description adds: the three ways to give the object, and Appwrite's ID rules (for people and AI agents alike). */
function locatorNote(locator: ResolvedLocator): string {
	const byUrl = locator.url
		? `, By URL reads it from the ${locator.noun}'s Appwrite console page`
		: '';
	return `From List shows the ${pluralOf(locator.noun)} to pick from${byUrl}; By ID takes the ID itself (${APPWRITE_ID_RULE})`;
}

/**
 * The n8n resource locator of a parameter naming an existing object, made from its plain field.
 * Its modes are the same for every field naming that kind of object: the field calls the
 * runtime's `locatorModes` (src/locators.ts) for them.
 */
export function locatorProperty(field: Property, locator: ResolvedLocator): Property {
	const { options: _options, hint: _hint, typeOptions: _typeOptions, ...rest } = field;
	return {
		...rest,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		typeOptions: locator.parents.length
			? { loadOptionsDependsOn: locator.parents.map((parent) => `${parent}.value`) }
			: undefined,
		description: joinSentences(String(field.description), locatorNote(locator)),
		modes: runtimeCall(
			'locatorModes',
			locatorModes,
			locator.noun,
			locator.searchMethod,
			locator.url,
		),
	};
}

function pluralOf(noun: string): string {
	if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
	return /(x|s)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** The runtime's list source of a kind (src/list-search.ts), as the node prints it; the service is the SDK class. */
export function listSourceOf(object: ObjectKind): Record<string, unknown> {
	const parents = object.parents ?? [];
	return {
		service: new Verbatim(object.list.service, object.list.service),
		method: object.list.method,
		key: object.list.key,
		label: object.label,
		parents: parents.length
			? Object.fromEntries(parents.map((parent) => [parent, parent]))
			: undefined,
		// A parent's field has its default label (humanize) in every action of the catalog.
		parentLabels: parents.length
			? Object.fromEntries(parents.map((parent) => [parent, humanize(parent)]))
			: undefined,
		id: object.id,
		search: object.search === 'arg' ? undefined : object.search,
		paging: object.paging === 'cursor' ? undefined : object.paging,
		scope: object.scope,
		plural: pluralOf(object.noun),
	};
}
