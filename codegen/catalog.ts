import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import yaml from 'js-yaml';

import type { InputKind } from '../src/types';
import type { QueryField } from './kinds';
import { KIND_NAMES } from './kinds';

export const ROOT = path.resolve(__dirname, '..');
export const CATALOG_DIR = path.join(ROOT, 'spec', 'catalog');
export const SCHEMA_PATH = path.join(ROOT, 'spec', 'catalog.schema.json');

/** An entry that exists in some versions of its node only: from `since` (default 1) to `until` (default: still current). */
export interface Versioned {
	since?: number;
	until?: number;
}

export interface CatalogOption extends Versioned {
	name: string;
	value: string;
	description?: string;
}

export interface CatalogParam extends Versioned {
	name: string;
	kind: InputKind;
	required?: boolean;
	/** Why the node's required-ness differs from node-appwrite's declaration. */
	requiredReason?: string;
	/** Offer an explicit "set to null", distinct from leaving the field out. */
	nullable?: boolean;
	/**
	 * Shown up front although optional, being essential to the action (`true`), or from a node
	 * version on (`{ since: 2 }`: earlier versions keep it under Additional Fields, as published).
	 */
	shown?: boolean | { since: number };
	label?: string;
	description: string;
	default?: unknown;
	placeholder?: string;
	secret?: boolean;
	multiline?: boolean;
	selector?: boolean;
	/** Only narrows another parameter's "From list" picker, as a parent its list needs; never sent. */
	pickerOnly?: boolean;
	showWhen?: Record<string, string[]>;
	options?: CatalogOption[];
}

export interface CatalogStep {
	method: string;
	when?: string | { param: string; in: string[] };
}

export type CatalogOutput =
	| 'object'
	| 'delete'
	| { kind: 'list'; key: string; pagination: 'cursor' | 'offset' | 'none' }
	| { kind: 'binary'; fileName: string; metadataStep?: number };

export interface CatalogAction extends Versioned {
	resource: string;
	operation: string;
	name: string;
	action: string;
	description: string;
	method?: string;
	steps?: CatalogStep[];
	output: CatalogOutput;
	deprecated?: string;
	omit?: Record<string, string>;
	draft?: boolean;
	params: CatalogParam[];
}

export interface CatalogService {
	/** The YAML file, relative to the repository root, for messages. */
	file: string;
	service: string;
	node: string;
	displayName: string;
	description: string;
	icon: string;
	docs: string;
	/** The node's current version; raising it keeps the older versions for saved workflows. */
	version?: number;
	/** What Appwrite calls the fields of this service's records, for the query builder's words (attribute unless given). */
	queryField?: QueryField;
	resources: Array<{ value: string; name: string; description?: string }>;
	actions: CatalogAction[];
}

/** A problem found in the catalog, naming the file and the action it is in. */
export class CatalogError extends Error {
	constructor(readonly problems: string[]) {
		super(
			`The catalog has ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
		);
	}
}

export function actionKey(action: Pick<CatalogAction, 'resource' | 'operation'>): string {
	return `${action.resource}.${action.operation}`;
}

export function stepsOf(action: CatalogAction): CatalogStep[] {
	return action.steps ?? [{ method: action.method as string }];
}

export function isInVersion(entry: Versioned, version: number): boolean {
	return (entry.since ?? 1) <= version && version <= (entry.until ?? Infinity);
}

/** Whether the catalog shows an optional parameter up front in this version of its node. */
export function isShownIn(param: CatalogParam, version: number): boolean {
	return typeof param.shown === 'object' ? param.shown.since <= version : Boolean(param.shown);
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** The catalog schema, with the kinds the generator knows (codegen/kinds.ts). */
function catalogSchema(): object {
	const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
	schema.definitions.param.properties.kind.enum = KIND_NAMES;
	return schema;
}

function where(data: unknown, instancePath: string): string {
	const parts = instancePath.split('/').slice(1);
	if (parts[0] !== 'actions' || parts.length < 2) return instancePath || '(top level)';
	const action = (data as { actions: Array<Partial<CatalogAction>> }).actions[Number(parts[1])];
	const name =
		action?.resource && action.operation
			? `action ${actionKey(action as CatalogAction)}`
			: `action #${parts[1]}`;
	const rest = parts.slice(2);
	if (rest[0] === 'params' && rest.length >= 2) {
		const param = action?.params?.[Number(rest[1])];
		return `${name}, param ${param?.name ?? `#${rest[1]}`}${rest.length > 2 ? ` (${rest.slice(2).join('.')})` : ''}`;
	}
	return rest.length ? `${name} (${rest.join('.')})` : name;
}

/** Parses and schema-checks one catalog file; every problem names the file and the action. */
export function parseCatalogFile(file: string, text: string): CatalogService {
	validator ??= new Ajv({ allErrors: true, strict: false }).compile(catalogSchema());
	let data: unknown;
	try {
		// YAML 1.2's core schema: no dates or other types beyond JSON's.
		data = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
	} catch (error) {
		throw new CatalogError([`${file}: not valid YAML: ${(error as Error).message}`]);
	}
	if (!validator(data)) {
		const seen = new Set<string>();
		const problems = (validator.errors ?? [])
			// oneOf/if branches repeat the same complaint; keep the ones that say what to fix.
			.filter((error) => !['oneOf', 'if', 'anyOf'].includes(error.keyword))
			.map((error) => {
				const detail =
					error.keyword === 'additionalProperties'
						? `unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`
						: error.keyword === 'enum'
							? `${error.message}: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
							: error.message;
				return `${file}: ${where(data, error.instancePath)}: ${detail}`;
			})
			.filter((problem) => !seen.has(problem) && seen.add(problem));
		throw new CatalogError(
			problems.length ? problems : [`${file}: does not match the catalog schema`],
		);
	}
	return { file, ...(data as Omit<CatalogService, 'file'>) };
}

export function loadCatalog(dir = CATALOG_DIR): CatalogService[] {
	if (!existsSync(dir))
		throw new CatalogError([`${path.relative(ROOT, dir)}: no such catalog folder`]);
	const problems: string[] = [];
	const services: CatalogService[] = [];
	for (const name of readdirSync(dir)
		// A file starting with "_" is not a service (_objects.yaml: codegen/objects.ts).
		.filter((entry) => entry.endsWith('.yaml') && !entry.startsWith('_'))
		.sort()) {
		const file = path.relative(ROOT, path.join(dir, name));
		try {
			services.push(parseCatalogFile(file, readFileSync(path.join(dir, name), 'utf8')));
		} catch (error) {
			if (!(error instanceof CatalogError)) throw error;
			problems.push(...error.problems);
		}
	}
	if (problems.length) throw new CatalogError(problems);
	return services;
}
