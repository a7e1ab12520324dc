import type { INodeProperties } from 'n8n-workflow';

import {
	additionalFieldsCollection,
	binaryOutputField,
	listFields,
	NODE_FIELDS,
	nullFieldLabel,
	nullFieldName,
	uploadChunksField,
} from '../src/descriptions';
import { descriptionOf } from './describe';
import { KINDS } from './kinds';
import { withRowMapper } from './mapper';
import { withSimplify } from './simplify';
import { locatorProperty } from './objects';
import type {
	ResolvedAction,
	ResolvedNode,
	ResolvedParam,
	ResolvedResource,
	ResolvedVersion,
} from './resolve';
import { joinSentences } from './text';

/** An n8n property as printed: plain data, plus `Verbatim` references to the runtime's shared descriptions. */
export type Property = Record<string, unknown>;

export type Show = Record<string, unknown[]>;

/** One version of a node's n8n properties: the resource selector, then each resource's operations and fields. */
export interface VersionProperties {
	resource: Property;
	resources: Array<{ value: string; operations: Property[]; fields: Property[] }>;
}

/** n8n masks inputs whose names suggest a secret, and its lint insists on it. */
const SENSITIVE_NAME = /secret|password|token|apikey/i;

function fieldProperty(param: ResolvedParam, show?: Show): Property {
	const field = plainFieldProperty(param, show);
	return param.locator ? locatorProperty(field, param.locator) : field;
}

function plainFieldProperty(param: ResolvedParam, show?: Show): Property {
	const kind = KINDS[param.kind];
	const typeOptions: Record<string, unknown> = { ...kind.typeOptions };
	if (param.secret || (SENSITIVE_NAME.test(param.name) && kind.n8nType === 'string'))
		typeOptions.password = true;
	if (param.multiline) typeOptions.rows = 4;
	return {
		displayName: param.label,
		name: param.name,
		type: kind.n8nType,
		typeOptions: Object.keys(typeOptions).length ? typeOptions : undefined,
		required: param.location === 'top' && param.required && !kind.generated ? true : undefined,
		noDataExpression: param.selector ? true : undefined,
		displayOptions: show ? { show } : undefined,
		options:
			param.builtInOptions ??
			param.options
				?.map((option) => ({
					name: option.name,
					value: option.value,
					description: option.description,
				}))
				.sort((a, b) => a.name.localeCompare(b.name)),
		default: param.default,
		placeholder: param.placeholder,
		description: descriptionOf(param),
		hint: kind.hint,
	};
}

/** The switch that sends null for a nullable parameter: named so the runtime finds it, labelled to sort beside it. */
function nullSwitch(param: ResolvedParam, show?: Show): Property {
	return {
		displayName: nullFieldLabel(param.label),
		name: nullFieldName(param.name),
		type: 'boolean',
		displayOptions: show ? { show } : undefined,
		default: false,
		description: `Whether to send null as ${param.label}, e.g. to remove it; when on, ${param.label} itself is not sent`,
	};
}

function fieldsFor(param: ResolvedParam, show?: Show): Property[] {
	return param.nullable
		? [fieldProperty(param, show), nullSwitch(param, show)]
		: [fieldProperty(param, show)];
}

/** A node-level field from the runtime's shared descriptions, shown for one action. */
function shownFor(field: INodeProperties, show: Show): Property {
	const { displayOptions, ...rest } = field;
	return { ...rest, displayOptions: { show: { ...show, ...displayOptions?.show } } };
}

/** Inside a collection, n8n resolves displayOptions against the collection unless the path starts at the root. */
function rootPaths(show: Record<string, string[]> | undefined): Show | undefined {
	return (
		show && Object.fromEntries(Object.entries(show).map(([name, values]) => [`/${name}`, values]))
	);
}

function showWhenOf(param: ResolvedParam): Record<string, string[]> | undefined {
	return param.showWhen && { [param.showWhen.param]: param.showWhen.in };
}

function byDisplayName(a: Property, b: Property): number {
	return String(a.displayName).localeCompare(String(b.displayName));
}

/** An action's fields; `service` is the node-appwrite service, for the row mapper of the actions that write rows. */
export function actionFields(action: ResolvedAction, service: string): Property[] {
	const show: Show = {
		[NODE_FIELDS.resource]: [action.resource],
		[NODE_FIELDS.operation]: [action.operation],
	};
	const fields: Property[] = action.params
		.filter((param) => param.location === 'top')
		.flatMap((param) => fieldsFor(param, { ...show, ...showWhenOf(param) }));
	if (action.output.kind === 'list')
		fields.push(...listFields.map((field) => shownFor(field, show)));
	if (action.output.kind === 'binary') fields.push(shownFor(binaryOutputField, show));
	if (action.params.some((param) => param.kind === 'binary'))
		fields.push(shownFor(uploadChunksField, show));
	const optional = action.params.filter((param) => param.location === 'additionalFields');
	if (optional.length) {
		// Options shown only for some selector values stay in the collection; the runtime skips the rest.
		fields.push({
			...shownFor(additionalFieldsCollection, show),
			options: optional
				.flatMap((param) => fieldsFor(param, rootPaths(showWhenOf(param))))
				.sort(byDisplayName),
		});
	}
	return withSimplify(service, action, withRowMapper(service, action, fields, show), show);
}

function operationsProperty(resource: ResolvedResource): Property {
	return {
		displayName: 'Operation',
		name: NODE_FIELDS.operation,
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { [NODE_FIELDS.resource]: [resource.value] } },
		options: [...resource.actions]
			.sort((a, b) => a.name.localeCompare(b.name))
			.map((action) => ({
				name: action.name,
				value: action.operation,
				description: joinSentences(
					action.description,
					action.deprecated && `Deprecated by Appwrite: use ${action.deprecated}`,
				),
				action: action.action,
			})),
		default: resource.actions[0]?.operation ?? '',
	};
}

/** The node's main resource (the catalog's first, also the default) leads; the others follow alphabetically. */
function mainResourceFirst(resources: ResolvedResource[]): ResolvedResource[] {
	const [main, ...others] = resources;
	return [main, ...others.sort((a, b) => a.name.localeCompare(b.name))];
}

export function versionProperties(version: ResolvedVersion, service: string): VersionProperties {
	return {
		resource: {
			displayName: 'Resource',
			name: NODE_FIELDS.resource,
			type: 'options',
			noDataExpression: true,
			options: mainResourceFirst(version.resources).map((resource) => ({
				name: resource.name,
				value: resource.value,
				description: resource.description,
			})),
			default: version.resources[0].value,
		},
		resources: version.resources
			.filter((resource) => resource.actions.length > 0)
			.map((resource) => ({
				value: resource.value,
				operations: [operationsProperty(resource)],
				fields: resource.actions.flatMap((action) => actionFields(action, service)),
			})),
	};
}

/** Every version of a node, for the snapshot of its public surface. */
export function nodeProperties(node: ResolvedNode): Map<number, VersionProperties> {
	return new Map(
		node.versions.map((version) => [version.version, versionProperties(version, node.service)]),
	);
}
