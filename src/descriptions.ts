import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

/**
 * The generated nodes' own fields, beside the Appwrite parameters: the generator builds them from
 * these definitions and refuses catalog parameters with these names, and the runtime reads them by
 * these names.
 */
export const NODE_FIELDS = {
	resource: 'resource',
	operation: 'operation',
	additionalFields: 'additionalFields',
	returnAll: 'returnAll',
	limit: 'limit',
	listOutput: 'listOutput',
	binaryProperty: 'binaryProperty',
	pageSize: 'pageSize',
	uploadChunksInParallel: 'uploadChunksInParallel',
	simplify: 'simplify',
} as const;

/** The most records Appwrite returns in one page of a list. */
export const MAX_PAGE_SIZE = 5_000;

/** Chunks of one upload in flight at once: by default, and at most. */
export const DEFAULT_CHUNKS_IN_FLIGHT = 4;
export const MAX_CHUNKS_IN_FLIGHT = 8;

/** The fields of every list action; the generator adds each action's display conditions. */
export const listFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: NODE_FIELDS.returnAll,
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: NODE_FIELDS.limit,
		type: 'number',
		typeOptions: { minValue: 1 },
		displayOptions: { show: { [NODE_FIELDS.returnAll]: [false] } },
		default: 50,
		description: 'Max number of results to return',
	},
	{
		displayName: 'Page Size',
		name: NODE_FIELDS.pageSize,
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_PAGE_SIZE },
		displayOptions: { show: { [NODE_FIELDS.returnAll]: [true] } },
		default: MAX_PAGE_SIZE,
		description: `Records per request to Appwrite, at most ${MAX_PAGE_SIZE.toLocaleString('en-US')} (Appwrite's limit); lower it for a server that refuses large pages`,
	},
	{
		displayName: 'Output',
		name: NODE_FIELDS.listOutput,
		type: 'options',
		description:
			'One item per record (records), or one item per page Appwrite returns, with its total (pages)',
		options: [
			{ name: 'One Item per Record', value: 'records', description: 'Each record becomes an item' },
			{
				name: 'One Item per Page',
				value: 'pages',
				description: 'Each page Appwrite returns becomes an item, with its total',
			},
		],
		default: 'records',
	},
];

/** Where an action that returns a file puts it. */
export const binaryOutputField: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: NODE_FIELDS.binaryProperty,
	type: 'string',
	required: true,
	default: 'data',
	description: 'The name of the output binary field to put the file in',
};

/** How many chunks of a large upload go to Appwrite at once; each holds up to 5 MiB in memory. */
export const uploadChunksField: INodeProperties = {
	displayName: 'Upload Chunks in Parallel',
	name: NODE_FIELDS.uploadChunksInParallel,
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CHUNKS_IN_FLIGHT },
	default: DEFAULT_CHUNKS_IN_FLIGHT,
	description: `How many 5 MiB chunks of a file over 5 MiB are sent at once (1 to ${MAX_CHUNKS_IN_FLIGHT}); more is faster on a fast link, fewer is gentler on a slow one`,
};

/** The collection that holds an action's optional parameters. */
export const additionalFieldsCollection: INodeProperties = {
	displayName: 'Additional Fields',
	name: NODE_FIELDS.additionalFields,
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
};

/** The switch beside a nullable parameter that sends `null` for it, which no field value can say. */
export function nullFieldName(parameter: string): string {
	return `${parameter}SetToNull`;
}

/** That switch's label, placed to sort beside the field's own. */
export function nullFieldLabel(label: string): string {
	return `${label} (Set to Null)`;
}

// The query builder every generated list action shows under Queries: the common conditions, each
// made with node-appwrite's Query helpers by queries.ts, plus raw JSON queries for the rest.
const OPERATORS: Array<[string, string]> = [
	['Equal', 'equal'],
	['Not Equal', 'notEqual'],
	['Less Than', 'lessThan'],
	['Less Than or Equal', 'lessThanEqual'],
	['Greater Than', 'greaterThan'],
	['Greater Than or Equal', 'greaterThanEqual'],
	['Between', 'between'],
	['Starts With', 'startsWith'],
	['Ends With', 'endsWith'],
	['Contains', 'contains'],
	['Search (Full-Text)', 'search'],
	['Is Null', 'isNull'],
	['Is Not Null', 'isNotNull'],
	['Sort Ascending', 'orderAsc'],
	['Sort Descending', 'orderDesc'],
	['Select Attributes', 'select'],
];

/** The query builder: common conditions made with node-appwrite's Query helpers, plus raw JSON queries. */
export const queryBuilderOptions: INodePropertyCollection[] = [
	{
		displayName: 'Condition',
		name: 'conditions',
		values: [
			{
				displayName: 'Operator',
				name: 'method',
				type: 'options',
				default: 'equal',
				options: OPERATORS.map(([name, value]) => ({ name, value })).sort((a, b) =>
					a.name.localeCompare(b.name),
				),
			},
			{
				displayName: 'Attribute',
				name: 'attribute',
				type: 'string',
				default: '',
				description: 'Attribute to compare, sort by, or (for Select, comma-separated) return',
			},
			{
				displayName: 'Value Type',
				name: 'valueType',
				type: 'options',
				default: 'string',
				displayOptions: {
					hide: { method: ['isNull', 'isNotNull', 'orderAsc', 'orderDesc', 'select'] },
				},
				options: [
					{ name: 'Boolean', value: 'boolean' },
					{ name: 'Number', value: 'number' },
					{ name: 'String', value: 'string' },
				],
			},
			{
				displayName: 'Value',
				name: 'value',
				type: 'string',
				default: '',
				displayOptions: {
					hide: { method: ['isNull', 'isNotNull', 'orderAsc', 'orderDesc', 'select'] },
				},
			},
			{
				displayName: 'Value To',
				name: 'valueTo',
				type: 'string',
				default: '',
				displayOptions: { show: { method: ['between'] } },
				description: 'Upper bound of Between',
			},
		],
	},
	{
		displayName: 'Raw Query',
		name: 'raw',
		values: [
			{
				displayName: 'Query (JSON)',
				name: 'query',
				type: 'string',
				default: '',
				placeholder: '{"method":"equal","attribute":"name","values":["Ann"]}',
				description: 'Any Appwrite query as JSON, for operators the builder lacks',
			},
		],
	},
];

/**
 * The query builder in TablesDB's words: its rows have columns where other services' records have
 * attributes. Only the words differ; the saved values and what queries.ts reads are the same.
 */
export const columnQueryBuilderOptions: INodePropertyCollection[] = queryBuilderOptions.map(
	(group) => ({
		...group,
		values: group.values.map((field) => ({
			...field,
			displayName: field.displayName.replace('Attribute', 'Column'),
			description: field.description?.replace('Attribute', 'Column'),
			options: field.options?.map((option) =>
				'value' in option
					? { ...option, name: option.name.replace('Attributes', 'Columns') }
					: option,
			),
		})),
	}),
);

/** The editor methods of the nodes whose records have columns or attributes (src/resource-mapper.ts). */
export const COLUMN_METHODS = {
	resourceMapper: 'getColumns',
	loadOptions: 'getColumnNames',
} as const;

/**
 * What a table's columns depend on, for the editor to reload them: the database and the table,
 * named both as plain IDs and as resource locators' values (n8n compares the path's value).
 */
export function columnsDependOn(parent: string): string[] {
	return ['databaseId', `databaseId.value`, parent, `${parent}.value`];
}

/**
 * The query builder where the action names a table (or collection): the field a condition names is
 * a dropdown of its columns (attributes), loaded from Appwrite; an expression still takes any name,
 * and the saved value is the same plain name as before.
 */
function withFieldPicker(
	builder: INodePropertyCollection[],
	word: 'Column' | 'Attribute',
	parent: string,
): INodePropertyCollection[] {
	return builder.map((group) => ({
		...group,
		values: group.values.map((field) =>
			field.name === 'attribute'
				? {
						displayName: `${word} Name or ID`,
						name: 'attribute',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: COLUMN_METHODS.loadOptions,
							loadOptionsDependsOn: columnsDependOn(parent),
						},
						// A name not in the list (saved before the dropdown, or a column made later) is not flagged.
						allowArbitraryValues: true,
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					}
				: field,
		),
	}));
}

export const columnPickerQueryBuilderOptions = withFieldPicker(
	columnQueryBuilderOptions,
	'Column',
	'tableId',
);
export const attributePickerQueryBuilderOptions = withFieldPicker(
	queryBuilderOptions,
	'Attribute',
	'collectionId',
);
/**
 * An Appwrite ID or key, as a regular expression without anchors: up to 36 characters a-z, A-Z,
 * 0-9, period, hyphen and underscore, not starting with a special character. The pickers' By ID
 * and By URL modes check values with it (n8n anchors a validation pattern itself).
 */
export const APPWRITE_ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9._-]{0,35}';
