import {
	attributePickerQueryBuilderOptions,
	COLUMN_METHODS,
	columnPickerQueryBuilderOptions,
	columnsDependOn,
} from '../src/descriptions';
import type { ColumnMethodsSpec, MappedActionSpec } from '../src/resource-mapper';
import type { MappedInput } from '../src/types';
import { Verbatim } from './literal';
import type { Property, Show } from './properties';
import type { ResolvedAction, ResolvedNode, ResolvedParam } from './resolve';

/**
 * Column-aware rows: which actions write row (or document) data, where the table's columns come
 * from, and the fields the editor shows for them. Kept apart from the generic printers: they call
 * in here for the actions listed below and print everything else as before.
 */

/** Where a node's records keep their fields: TablesDB tables have columns, legacy collections attributes. */
interface ColumnHolder {
	/** The parameter naming the table or collection (besides `databaseId`). */
	parent: string;
	/** node-appwrite's list method of its fields and the key of the list in its answer. */
	method: string;
	key: string;
	/** How the node names a field: column or attribute. */
	word: 'column' | 'attribute';
	/** The resource-mapper parameter's name. */
	mapperName: string;
	/** The node's resource whose records have these fields (rows, documents). */
	records: string;
}

const HOLDERS: Readonly<Record<string, ColumnHolder>> = {
	TablesDB: {
		parent: 'tableId',
		method: 'listColumns',
		key: 'columns',
		word: 'column',
		mapperName: 'columns',
		records: 'row',
	},
	Databases: {
		parent: 'collectionId',
		method: 'listAttributes',
		key: 'attributes',
		word: 'attribute',
		mapperName: 'attributes',
		records: 'document',
	},
};

/**
 * The SDK methods that write record data, with the parameter holding it: one object, or a list
 * of objects (`list`) where each mapped input item makes one. `required`: the record may be made,
 * so required columns must be given. `id`: the bulk writes take each record's ID in its `$id`.
 */
const MAPPED_METHODS: Readonly<
	Record<string, { param: string; list?: true; required?: true; id?: 'optional' | 'required' }>
> = {
	createRow: { param: 'data', required: true },
	updateRow: { param: 'data' },
	upsertRow: { param: 'data' },
	createRows: { param: 'rows', list: true, required: true, id: 'optional' },
	updateRows: { param: 'data' },
	upsertRows: { param: 'rows', list: true, id: 'required' },
	createDocument: { param: 'data', required: true },
	updateDocument: { param: 'data' },
	upsertDocument: { param: 'data' },
	createDocuments: { param: 'documents', list: true, required: true, id: 'optional' },
	updateDocuments: { param: 'data' },
	upsertDocuments: { param: 'documents', list: true, id: 'required' },
};

/** The choice between the raw JSON field and the mapper: `<param>Input`, JSON by default. */
export const JSON_INPUT = 'json';
export const MAP_INPUT = 'map';

function holderOf(service: string): ColumnHolder | undefined {
	return HOLDERS[service];
}

function mappedOf(action: ResolvedAction) {
	const method = action.steps.length === 1 ? action.steps[0].method : undefined;
	return method ? MAPPED_METHODS[method] : undefined;
}

function titleCase(word: string): string {
	return word.charAt(0).toUpperCase() + word.slice(1);
}

/** What the call table says of a mapped parameter, or undefined for any other. */
export function mappedInputOf(
	service: string,
	action: ResolvedAction,
	param: ResolvedParam,
): MappedInput | undefined {
	const holder = holderOf(service);
	const mapped = mappedOf(action);
	if (!holder || !mapped || mapped.param !== param.name) return undefined;
	return {
		choice: `${param.name}Input`,
		mapper: holder.mapperName,
		list: mapped.list,
		word: holder.word,
	};
}

/** Problems with the table of mapped methods against the catalog: each names the action. */
export function mapperProblems(service: string, action: ResolvedAction): string[] {
	const holder = holderOf(service);
	const mapped = mappedOf(action);
	if (!holder || !mapped) return [];
	const param = action.params.find((entry) => entry.name === mapped.param);
	const names = new Set(action.params.map((entry) => entry.name));
	const problems: string[] = [];
	if (!param || param.kind !== (mapped.list ? 'jsonList' : 'json'))
		problems.push(
			`the row mapper expects parameter "${mapped.param}" of kind ${mapped.list ? 'jsonList' : 'json'}`,
		);
	for (const name of ['databaseId', holder.parent])
		if (!names.has(name)) problems.push(`the row mapper needs parameter "${name}"`);
	for (const name of [`${mapped.param}Input`, holder.mapperName])
		if (names.has(name)) problems.push(`parameter "${name}" clashes with the row mapper's field`);
	return problems;
}

/** The per-node runtime methods (resource mapping, column options), or undefined for a node without tables. */
export function columnMethodsOf(node: ResolvedNode): ColumnMethodsSpec | undefined {
	const holder = holderOf(node.service);
	if (!holder) return undefined;
	const current = node.versions[node.versions.length - 1];
	const records = current.resources.find((resource) => resource.value === holder.records);
	if (!records?.actions.length) return undefined;
	const actions: Record<string, MappedActionSpec> = {};
	for (const action of records.actions) {
		const mapped = mappedOf(action);
		if (mapped) actions[action.key] = { required: mapped.required, id: mapped.id };
	}
	return {
		method: holder.method,
		key: holder.key,
		parents: { databaseId: 'databaseId', [holder.parent]: holder.parent },
		word: holder.word,
		actions,
	};
}

/** The query builder with the chosen table's columns in a dropdown, for the queries of a table's rows. */
export function queryBuilderOf(
	service: string,
	resource: string,
	params: Array<{ name: string }>,
): Verbatim | undefined {
	const holder = holderOf(service);
	if (
		!holder ||
		resource !== holder.records ||
		!params.some((param) => param.name === holder.parent)
	)
		return undefined;
	return holder.word === 'column'
		? new Verbatim('columnPickerQueryBuilderOptions', columnPickerQueryBuilderOptions)
		: new Verbatim('attributePickerQueryBuilderOptions', attributePickerQueryBuilderOptions);
}

function withShow(property: Property, show: Show): Property {
	const displayOptions = property.displayOptions as { show?: Show } | undefined;
	return {
		...property,
		displayOptions: { ...displayOptions, show: { ...displayOptions?.show, ...show } },
	};
}

/**
 * An action's fields with the mapper added: the choice "<Param> Input" (JSON, the old field and
 * the default, or Map Columns), the raw field shown for JSON only, and n8n's resource mapper.
 * A saved workflow holds no choice, so it reads as JSON and runs unchanged.
 */
export function withRowMapper(
	service: string,
	action: ResolvedAction,
	fields: Property[],
	show: Show,
): Property[] {
	const holder = holderOf(service);
	const param = action.params.find((entry) => mappedInputOf(service, action, entry));
	if (!holder || !param) return fields;
	const input = mappedInputOf(service, action, param) as MappedInput;
	const mapped = mappedOf(action);
	const plural = `${holder.word}s`;
	const choice: Property = {
		displayName: `${titleCase(param.name)} Input`,
		name: input.choice,
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: [
			{
				name: 'JSON',
				value: JSON_INPUT,
				description: `Give the ${param.name === 'data' ? 'values' : param.name} as JSON`,
			},
			{
				name: `Map ${titleCase(plural)}`,
				value: MAP_INPUT,
				description: mapped?.list
					? `Each input item makes one ${action.resource}, from the ${plural} of the ${holder.parent === 'tableId' ? 'table' : 'collection'}`
					: `Set each ${holder.word} of the ${holder.parent === 'tableId' ? 'table' : 'collection'} by name, or map the input item's fields automatically`,
			},
		],
		default: JSON_INPUT,
	};
	const mapper: Property = {
		displayName: titleCase(plural),
		name: input.mapper,
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		displayOptions: { show: { ...show, [input.choice]: [MAP_INPUT] } },
		typeOptions: {
			loadOptionsDependsOn: columnsDependOn(holder.parent),
			resourceMapper: {
				resourceMapperMethod: COLUMN_METHODS.resourceMapper,
				mode: 'add',
				fieldWords: { singular: holder.word, plural },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				noFieldsError: `No ${plural} found: pick a database and a ${holder.parent === 'tableId' ? 'table' : 'collection'} that has ${plural}`,
			},
		},
	};
	const onlyForJson = { [input.choice]: [JSON_INPUT] };
	const result: Property[] = [];
	let placed = false;
	for (const field of fields) {
		if (field.name === param.name && param.location === 'top') {
			result.push(choice, withShow(field, onlyForJson), mapper);
			placed = true;
		} else if (field.name === 'additionalFields' && param.location === 'additionalFields') {
			const options = (field.options as Property[]).map((option) =>
				option.name === param.name
					? withShow(option, { [`/${input.choice}`]: [JSON_INPUT] })
					: option,
			);
			result.push(choice, mapper, { ...field, options });
			placed = true;
		} else result.push(field);
	}
	return placed ? result : fields;
}
