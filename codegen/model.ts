import type { ActionSpec, OutputSpec, ParamSpec, StepSpec } from '../src/types';
import type { CatalogAction, CatalogParam, CatalogService } from './catalog';
import { actionKey, stepsOf } from './catalog';
import { Verbatim } from './literal';
import type { SdkDeclarations } from './sdk';

const ACRONYMS: Record<string, string> = {
	Id: 'ID', Ids: 'IDs', Url: 'URL', Json: 'JSON', Api: 'API', Sms: 'SMS', Qr: 'QR', Mfa: 'MFA', Jwt: 'JWT',
	Smtp: 'SMTP', Apns: 'APNs', Fcm: 'FCM', Eu: 'EU', Ip: 'IP', Tls: 'TLS', Html: 'HTML', Cc: 'CC', Bcc: 'BCC',
};

/** `userId` → `User ID`, `scheduledAt` → `Scheduled At`. */
export function humanize(name: string): string {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(' ')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.map((word) => ACRONYMS[word] ?? word)
		.join(' ');
}

export function labelOf(param: CatalogParam): string {
	return param.label ?? (param.kind === 'binary' ? 'Input Binary Field' : humanize(param.name));
}

/**
 * n8n's lint wants a one-sentence description without a final period and a two-sentence one with
 * it; catalog authors write naturally, so settle it here.
 */
export function n8nDescription(text: string): string {
	const trimmed = text.trim().replace(/\.$/, '');
	return trimmed.replace('e.g.', '').split('. ').length > 1 ? `${trimmed}.` : trimmed;
}

/** n8n masks inputs whose names suggest a secret, and its lint insists on it. */
const SENSITIVE_NAME = /secret|password|token|apikey/i;

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Whether n8n shows the field at the top level rather than inside Additional Fields. */
function isTopLevel(param: CatalogParam): boolean {
	return Boolean(param.required) || param.kind === 'id' || param.kind === 'binary' || Boolean(param.selector);
}

const N8N_TYPES: Record<CatalogParam['kind'], string> = {
	string: 'string', id: 'string', number: 'number', boolean: 'boolean', options: 'options',
	multiOptions: 'multiOptions', json: 'json', jsonList: 'json', color: 'color', hexColor: 'color', stringList: 'string', dateTime: 'dateTime', binary: 'string',
	queries: 'fixedCollection',
};

function defaultOf(param: CatalogParam): unknown {
	if (param.default !== undefined) return param.default;
	switch (param.kind) {
		case 'boolean': return false;
		case 'options': return param.options?.[0].value;
		case 'multiOptions': return [];
		case 'json': return '{}';
		case 'jsonList': return '[]';
		case 'queries': return {};
		case 'binary': return 'data';
		default: return '';
	}
}

function descriptionOf(param: CatalogParam): string {
	const notes: Record<string, string> = {
		id: ' Leave empty to generate a unique ID.',
		stringList: ' A comma-separated list, or an array from an expression.',
		queries: ' Add conditions, or raw Appwrite queries in JSON; Return All and Limit add the paging queries.',
		binary: ' The name of the input item\'s binary field that holds the file.',
	};
	return `${param.description}${notes[param.kind] ?? ''}`;
}

type Property = Record<string, unknown>;

function fieldProperty(param: CatalogParam, show?: Record<string, string[]>): Property {
	const typeOptions: Record<string, unknown> = {};
	if (param.secret || (SENSITIVE_NAME.test(param.name) && N8N_TYPES[param.kind] === 'string')) typeOptions.password = true;
	if (param.multiline) typeOptions.rows = 4;
	if (param.kind === 'queries') typeOptions.multipleValues = true;
	return {
		displayName: labelOf(param),
		name: param.name,
		type: N8N_TYPES[param.kind],
		typeOptions: Object.keys(typeOptions).length ? typeOptions : undefined,
		required: isTopLevel(param) && param.required && param.kind !== 'id' ? true : undefined,
		noDataExpression: param.selector ? true : undefined,
		displayOptions: show ? { show } : undefined,
		options: param.kind === 'queries' ? new Verbatim('queryBuilderOptions') : param.options
			?.map((option) => ({ name: option.name, value: option.value, description: option.description && n8nDescription(option.description) }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: defaultOf(param),
		placeholder: param.placeholder,
		description: n8nDescription(descriptionOf(param)),
	};
}

/** Inside a collection, n8n resolves displayOptions against the collection unless the path starts at the root. */
function rootPaths(show: Record<string, string[]> | undefined): Record<string, string[]> | undefined {
	return show && Object.fromEntries(Object.entries(show).map(([name, values]) => [`/${name}`, values]));
}

function byDisplayName(a: Property, b: Property): number {
	return String(a.displayName).localeCompare(String(b.displayName));
}

function fieldsOf(action: CatalogAction): Property[] {
	const show = { resource: [action.resource], operation: [action.operation] };
	const fields: Property[] = [];
	for (const param of action.params.filter(isTopLevel)) {
		fields.push(fieldProperty(param, { ...show, ...param.showWhen }));
	}
	const optional = action.params.filter((param) => !isTopLevel(param));
	const output = action.output;
	if (typeof output === 'object' && output.kind === 'list') {
		fields.push(
			{ displayName: 'Return All', name: 'returnAll', type: 'boolean', displayOptions: { show }, default: false, description: 'Whether to return all results or only up to a given limit' },
			{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, displayOptions: { show: { ...show, returnAll: [false] } }, default: 50, description: 'Max number of results to return' },
			{
				displayName: 'Output', name: 'listOutput', type: 'options', displayOptions: { show },
				options: [
					{ name: 'One Item per Record', value: 'records', description: 'Each record becomes an item' },
					{ name: 'One Item per Page', value: 'pages', description: 'Each page Appwrite returns becomes an item, with its total' },
				],
				default: 'records',
			},
		);
	}
	if (typeof output === 'object' && output.kind === 'binary') {
		fields.push({ displayName: 'Put Output File in Field', name: 'binaryProperty', type: 'string', required: true, displayOptions: { show }, default: 'data', description: 'The name of the output binary field to put the file in' });
	}
	if (optional.length) {
		// Options shown only for some selector values stay in the collection; the runtime skips the rest.
		fields.push({
			displayName: 'Additional Fields', name: 'additionalFields', type: 'collection', placeholder: 'Add Field',
			displayOptions: { show }, default: {},
			options: optional.map((param) => fieldProperty(param, rootPaths(param.showWhen))).sort(byDisplayName),
		});
	}
	return fields;
}

function paramSpec(param: CatalogParam, inPath: boolean): ParamSpec {
	const [selector, values] = Object.entries(param.showWhen ?? {})[0] ?? [];
	return {
		name: param.name,
		label: labelOf(param),
		kind: param.kind,
		location: isTopLevel(param) ? 'top' : 'additionalFields',
		required: Boolean(param.required),
		values: param.kind === 'options' || param.kind === 'multiOptions' ? param.options?.map((option) => option.value) : undefined,
		showWhen: selector ? { param: selector, in: values } : undefined,
		inPath: inPath || undefined,
	};
}

/**
 * How to read back what a create made, for a retry that finds its own generated ID taken: the
 * resource's Get action, called with the create's values of its parameters.
 */
function readBackOf(service: CatalogService, action: CatalogAction): ActionSpec['readBack'] {
	if (!action.params.some((param) => param.kind === 'id')) return undefined;
	const get = service.actions.find((other) => other.resource === action.resource && other.operation === 'get');
	const given = new Set(action.params.map((param) => param.name));
	if (!get?.method || get.params.some((param) => param.required && !given.has(param.name))) return undefined;
	return { method: get.method, args: get.params.filter((param) => given.has(param.name)).map((param) => param.name) };
}

function outputSpec(action: CatalogAction): OutputSpec {
	return typeof action.output === 'string' ? { kind: action.output } : action.output;
}

export function actionSpec(service: CatalogService, action: CatalogAction, sdk: SdkDeclarations): ActionSpec {
	const steps: StepSpec[] = stepsOf(action).map((step) => {
		const declared = new Set(sdk.method(service.service, step.method)?.params.map((param) => param.name));
		return { method: step.method, args: action.params.filter((param) => declared.has(param.name)).map((param) => param.name), when: step.when };
	});
	// Selectors go first: the runtime needs their values to know which fields apply.
	const params = [...action.params].sort((a, b) => Number(Boolean(b.selector)) - Number(Boolean(a.selector)));
	const inPath = new Set(steps.flatMap((step) => sdk.pathParams(service.service, step.method)));
	return {
		params: params.map((param) => paramSpec(param, inPath.has(param.name))),
		steps,
		output: outputSpec(action),
		readBack: readBackOf(service, action),
	};
}

export interface ResourceModel {
	value: string;
	name: string;
	module: string;
	operationsName: string;
	fieldsName: string;
	actionsName: string;
	operations: Property;
	fields: Property[];
	actions: Record<string, ActionSpec>;
	usesQueryBuilder: boolean;
}

export interface NodeModel {
	className: string;
	nodeName: string;
	serviceClass: string;
	displayName: string;
	description: string;
	docs: string;
	icon: string;
	resourceProperty: Property;
	resources: ResourceModel[];
	sdkVersion: string;
	catalogFile: string;
}

export function buildNodeModel(service: CatalogService, sdk: SdkDeclarations): NodeModel {
	const resources = service.resources.map((resource): ResourceModel => {
		const actions = service.actions.filter((action) => action.resource === resource.value);
		const ordered = [...actions].sort((a, b) => a.name.localeCompare(b.name));
		return {
			value: resource.value,
			name: resource.name,
			module: resource.value,
			operationsName: `${resource.value}Operations`,
			fieldsName: `${resource.value}Fields`,
			actionsName: `${resource.value}Actions`,
			operations: {
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [resource.value] } },
				options: ordered.map((action) => ({
					name: action.name,
					value: action.operation,
					description: n8nDescription(
						action.deprecated ? `${action.description}. Deprecated by Appwrite: use ${action.deprecated}` : action.description,
					),
					action: action.action,
				})),
				default: actions[0]?.operation ?? '',
			},
			fields: actions.flatMap(fieldsOf),
			actions: Object.fromEntries(actions.map((action) => [actionKey(action), actionSpec(service, action, sdk)])),
			usesQueryBuilder: actions.some((action) => action.params.some((param) => param.kind === 'queries')),
		};
	});
	return {
		className: service.node,
		nodeName: lowerFirst(service.node),
		serviceClass: service.service,
		displayName: service.displayName,
		description: service.description,
		docs: service.docs,
		icon: service.icon,
		resourceProperty: {
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [...service.resources]
				.sort((a, b) => a.name.localeCompare(b.name))
				.map((resource) => ({ name: resource.name, value: resource.value, description: resource.description && n8nDescription(resource.description) })),
			default: service.resources[0].value,
		},
		resources: resources.filter((resource) => Object.keys(resource.actions).length > 0),
		sdkVersion: sdk.version,
		catalogFile: service.file,
	};
}
