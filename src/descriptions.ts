import type { INodePropertyCollection } from 'n8n-workflow';

// The query builder every generated list action shows under Queries: the common conditions, each
// made with node-appwrite's Query helpers by queries.ts, plus raw JSON queries for the rest.
const OPERATORS: Array<[string, string]> = [
	['Equal', 'equal'], ['Not Equal', 'notEqual'], ['Less Than', 'lessThan'], ['Less Than or Equal', 'lessThanEqual'],
	['Greater Than', 'greaterThan'], ['Greater Than or Equal', 'greaterThanEqual'], ['Between', 'between'],
	['Starts With', 'startsWith'], ['Ends With', 'endsWith'], ['Contains', 'contains'], ['Search (Full-Text)', 'search'],
	['Is Null', 'isNull'], ['Is Not Null', 'isNotNull'], ['Sort Ascending', 'orderAsc'], ['Sort Descending', 'orderDesc'],
	['Select Attributes', 'select'],
];

/** The query builder: common conditions made with node-appwrite's Query helpers, plus raw JSON queries. */
export const queryBuilderOptions: INodePropertyCollection[] = [
	{
		displayName: 'Condition',
		name: 'conditions',
		values: [
			{
				displayName: 'Operator', name: 'method', type: 'options', default: 'equal',
				options: OPERATORS.map(([name, value]) => ({ name, value })).sort((a, b) => a.name.localeCompare(b.name)),
			},
			{ displayName: 'Attribute', name: 'attribute', type: 'string', default: '', description: 'Attribute to compare, sort by, or (for Select, comma-separated) return' },
			{
				displayName: 'Value Type', name: 'valueType', type: 'options', default: 'string',
				displayOptions: { hide: { method: ['isNull', 'isNotNull', 'orderAsc', 'orderDesc', 'select'] } },
				options: [{ name: 'Boolean', value: 'boolean' }, { name: 'Number', value: 'number' }, { name: 'String', value: 'string' }],
			},
			{
				displayName: 'Value', name: 'value', type: 'string', default: '',
				displayOptions: { hide: { method: ['isNull', 'isNotNull', 'orderAsc', 'orderDesc', 'select'] } },
			},
			{ displayName: 'Value To', name: 'valueTo', type: 'string', default: '', displayOptions: { show: { method: ['between'] } }, description: 'Upper bound of Between' },
		],
	},
	{
		displayName: 'Raw Query',
		name: 'raw',
		values: [
			{ displayName: 'Query (JSON)', name: 'query', type: 'string', default: '', placeholder: '{"method":"equal","attribute":"name","values":["Ann"]}', description: 'Any Appwrite query as JSON, for operators the builder lacks' },
		],
	},
];
