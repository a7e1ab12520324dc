/**
 * Column-aware rows in the editor: n8n's resource mapper lists the chosen table's columns (or a
 * collection's attributes) with their types, required flags and enum choices, and the query
 * builder offers the same names in a dropdown. The values mapped are converted in inputs.ts.
 */
import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';
import type { Client } from 'node-appwrite';
import { Query } from 'node-appwrite';

import { connect } from './connect';
import { COLUMN_METHODS, NODE_FIELDS } from './descriptions';
import type { ListSource } from './list-search';
import { parentArguments } from './list-search';
import { PAGE_SIZE } from './pagination';

/** What the mapper asks of one action: required columns (the record may be made), and an `$id` field for bulk writes. */
export interface MappedActionSpec {
	required?: boolean;
	id?: 'optional' | 'required';
}

/** Where a node's columns come from, and which actions map them, keyed `<resource>.<operation>`. */
export interface ColumnMethodsSpec {
	method: string;
	key: string;
	/** SDK argument → node parameter, e.g. `tableId` → `tableId`. */
	parents: Readonly<Record<string, string>>;
	word: 'column' | 'attribute';
	actions: Readonly<Record<string, MappedActionSpec>>;
}

/** A column or attribute as Appwrite describes it (the fields read here). */
interface AppwriteColumn {
	key: string;
	type: string;
	status?: string;
	required?: boolean;
	array?: boolean;
	format?: string;
	elements?: string[];
	relationType?: string;
	side?: string;
}

/** The record fields every table has, which queries may name too. */
const SYSTEM_FIELDS = ['$id', '$createdAt', '$updatedAt'];

const NUMBER_TYPES = new Set(['integer', 'bigint', 'double', 'float']);
const GEOMETRY_TYPES: Readonly<Record<string, string>> = {
	point: 'point: [longitude, latitude]',
	line: 'line: [[longitude, latitude], …]',
	linestring: 'line: [[longitude, latitude], …]',
	polygon: 'polygon: [[[longitude, latitude], …]]',
};

/** A relationship holds several related IDs on its "many" side. */
function holdsMany(column: AppwriteColumn): boolean {
	const { relationType, side } = column;
	return (
		relationType === 'manyToMany' ||
		(relationType === 'oneToMany' && side === 'parent') ||
		(relationType === 'manyToOne' && side === 'child')
	);
}

/** What a table's records are called (rows), or a collection's (documents). */
function recordWord(spec: ColumnMethodsSpec): 'row' | 'document' {
	return spec.word === 'column' ? 'row' : 'document';
}

/** The n8n field type a column is edited and converted as, and what the label adds about its value. */
function typeOf(column: AppwriteColumn, record: string): { type: FieldType; note?: string } {
	if (column.type === 'relationship')
		return holdsMany(column)
			? { type: 'array', note: `relationship: IDs of related ${record}s` }
			: { type: 'string', note: `relationship: ID of the related ${record}` };
	if (GEOMETRY_TYPES[column.type]) return { type: 'array', note: GEOMETRY_TYPES[column.type] };
	if (column.array) return { type: 'array', note: `list of ${column.type}` };
	if (column.type === 'boolean') return { type: 'boolean' };
	if (NUMBER_TYPES.has(column.type)) return { type: 'number' };
	if (column.type === 'datetime') return { type: 'dateTime' };
	if (column.format === 'enum') return { type: 'options' };
	return { type: 'string', note: column.format };
}

/** One column as a mapper field. An optional switch starts empty (null), so an untouched one is not sent. */
function mapperField(
	column: AppwriteColumn,
	record: string,
	requiredHere: boolean,
): ResourceMapperField {
	const { type, note } = typeOf(column, record);
	const required = requiredHere && Boolean(column.required);
	const field: ResourceMapperField = {
		id: column.key,
		displayName: note ? `${column.key} (${note})` : column.key,
		required,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type,
	};
	if (type === 'options')
		field.options = (column.elements ?? []).map((element) => ({ name: element, value: element }));
	if (type === 'boolean' && !required) field.defaultValue = null;
	return field;
}

/** Every usable column of the chosen table, page by page; undefined while the table is not chosen. */
async function loadColumns(
	context: ILoadOptionsFunctions,
	Service: new (client: Client) => object,
	spec: ColumnMethodsSpec,
): Promise<AppwriteColumn[] | undefined> {
	const source: ListSource = {
		service: Service,
		method: spec.method,
		key: spec.key,
		label: ['key'],
		parents: spec.parents,
	};
	const parents = parentArguments(context, source);
	if (!parents) return undefined;
	const { service, fail } = await connect(context, Service);
	const list = (service as Record<string, (params: object) => Promise<Record<string, unknown>>>)[
		spec.method
	];
	const columns: AppwriteColumn[] = [];
	for (let offset = 0; ; offset += PAGE_SIZE) {
		let page: Record<string, unknown>;
		try {
			page = await list.call(service, {
				...parents,
				queries: [Query.limit(PAGE_SIZE), Query.offset(offset)],
			});
		} catch (error) {
			throw fail(error);
		}
		const records = Array.isArray(page[spec.key]) ? (page[spec.key] as AppwriteColumn[]) : [];
		columns.push(...records);
		if (records.length < PAGE_SIZE) break;
	}
	// A column being deleted, or whose creation failed, takes no values.
	return columns.filter(
		(column) =>
			typeof column.key === 'string' && !['deleting', 'failed'].includes(String(column.status)),
	);
}

/** The node's `methods` entries for its columns: the resource mapper's fields and the query builder's names. */
export function columnMethods(Service: new (client: Client) => object, spec: ColumnMethodsSpec) {
	const holder = spec.word === 'column' ? 'table' : 'collection';
	async function getColumns(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const columns = await loadColumns(this, Service, spec);
		if (!columns) return { fields: [], emptyFieldsNotice: `Pick a database and a ${holder} first` };
		const resource = this.getCurrentNodeParameter(NODE_FIELDS.resource) as string;
		const operation = this.getCurrentNodeParameter(NODE_FIELDS.operation) as string;
		const action = spec.actions[`${resource}.${operation}`] ?? {};
		const fields = columns.map((column) =>
			mapperField(column, recordWord(spec), Boolean(action.required)),
		);
		if (action.id) {
			fields.unshift({
				id: '$id',
				displayName: `$id (ID of the ${recordWord(spec)})`,
				required: action.id === 'required',
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: 'string',
			});
		}
		return {
			fields,
			emptyFieldsNotice: fields.length ? undefined : `This ${holder} has no ${spec.word}s yet`,
		};
	}
	async function getColumnNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const columns = (await loadColumns(this, Service, spec)) ?? [];
		return [
			...columns.map((column) => ({
				name: column.key,
				value: column.key,
				description: typeOf(column, recordWord(spec)).note ?? column.type,
			})),
			...SYSTEM_FIELDS.map((name) => ({
				name,
				value: name,
				description: 'Kept by Appwrite for every record',
			})),
		];
	}
	return {
		resourceMapping: { [COLUMN_METHODS.resourceMapper]: getColumns },
		loadOptions: { [COLUMN_METHODS.loadOptions]: getColumnNames },
	};
}
