import type { NodePropertyTypes } from 'n8n-workflow';

import { columnQueryBuilderOptions, queryBuilderOptions } from '../src/descriptions';
import type { InputKind } from '../src/types';
import { Verbatim } from './literal';
import type { SdkMethod, SdkParam, SdkShape } from './sdk';

/**
 * Everything the generator knows about one kind of catalog parameter, in one place: the runtime's
 * converter for it is keyed by the same name in src/inputs.ts. Adding a kind is an entry here and
 * a converter there; the catalog schema takes its list of kinds from this table.
 */
export interface Kind {
	/** The n8n parameter type the field is shown as. */
	n8nType: NodePropertyTypes;
	/** The field's default when the catalog gives none (options default to their first value). */
	default: unknown;
	/** Added to the field's description (its tooltip), to say how the value is read. */
	note?: string;
	/** Shown under the field (n8n's hint), for a rule the user must see without opening the tooltip. */
	hint?: string;
	/** Extra n8n type options for the field. */
	typeOptions?: Record<string, unknown>;
	/** n8n options the field always offers (the query builder), in the words of the node's records. */
	options?: (field: QueryField) => Verbatim;
	/** Shown at the top level even when node-appwrite makes it optional. */
	upFront?: boolean;
	/**
	 * What an optional field of this kind holds up front until the user fills it, which the runtime
	 * reads as not given. Only such a kind may be shown up front while optional (the catalog's
	 * `shown`): a number, a switch or a choice always holds a value, which would always be sent.
	 */
	emptyUpFront?: string;
	/** Left empty, the runtime generates a value (an ID), so n8n never marks it required. */
	generated?: boolean;
	/** The field's label when the catalog gives none (otherwise the name, humanized). */
	label?: string;
	/** The node-appwrite shapes a parameter of this kind may be handed to. */
	sdkShapes: readonly SdkShape[];
	/** The types an Appwrite spec may give a parameter of this kind (catalog:diff). */
	specTypes: readonly string[];
	/** Whether catalog:scaffold drafts an SDK parameter with this kind (a plain string when none says so). */
	scaffold?: (param: SdkParam, method: SdkMethod) => boolean;
}

/** What Appwrite calls the fields a query names: attributes, or columns in TablesDB (the catalog's `queryField`). */
export type QueryField = 'attribute' | 'column';

const QUERY_BUILDERS: Record<QueryField, Verbatim> = {
	attribute: new Verbatim('queryBuilderOptions', queryBuilderOptions),
	column: new Verbatim('columnQueryBuilderOptions', columnQueryBuilderOptions),
};

export const KINDS: Readonly<Record<InputKind, Kind>> = {
	string: {
		n8nType: 'string',
		default: '',
		emptyUpFront: '',
		sdkShapes: ['string', 'object', 'unknown'],
		specTypes: ['string', 'object'],
	},
	number: {
		n8nType: 'number',
		default: 0,
		sdkShapes: ['number', 'integer'],
		specTypes: ['integer', 'number'],
		scaffold: (param) => param.shape === 'number' || param.shape === 'integer',
	},
	boolean: {
		n8nType: 'boolean',
		default: false,
		sdkShapes: ['boolean'],
		specTypes: ['boolean'],
		scaffold: (param) => param.shape === 'boolean',
	},
	options: {
		n8nType: 'options',
		default: undefined,
		sdkShapes: ['string', 'enum'],
		specTypes: ['string'],
		scaffold: (param) => param.shape === 'enum',
	},
	multiOptions: {
		n8nType: 'multiOptions',
		default: [],
		sdkShapes: ['string[]', 'enum[]'],
		specTypes: ['string[]'],
		scaffold: (param) => param.shape === 'enum[]',
	},
	json: {
		n8nType: 'json',
		default: '{}',
		emptyUpFront: '',
		sdkShapes: ['object', 'unknown'],
		specTypes: ['object', 'string'],
		scaffold: (param) => param.shape === 'object' || param.shape === 'unknown',
	},
	jsonList: {
		n8nType: 'json',
		default: '[]',
		emptyUpFront: '',
		sdkShapes: ['object[]', 'unknown'],
		specTypes: ['object[]', 'string[]', 'integer[]', 'number[]'],
		scaffold: (param) => param.shape === 'object[]',
	},
	stringList: {
		n8nType: 'string',
		default: '',
		emptyUpFront: '',
		note: 'A comma-separated list, or an array from an expression.',
		sdkShapes: ['string[]'],
		specTypes: ['string[]'],
		scaffold: (param) => param.shape === 'string[]' && param.name !== 'queries',
	},
	dateTime: {
		n8nType: 'dateTime',
		default: '',
		emptyUpFront: '',
		note: 'An ISO 8601 date and time, e.g. 2026-12-31T09:30:00.000+00:00.',
		sdkShapes: ['string'],
		specTypes: ['string'],
		scaffold: (param) => param.shape === 'string' && /ISO 8601|datetime/i.test(param.description),
	},
	color: {
		n8nType: 'color',
		default: '',
		emptyUpFront: '',
		note: 'A hex color, e.g. #FD366E.',
		sdkShapes: ['string'],
		specTypes: ['string'],
		scaffold: (param) => param.shape === 'string' && /color/i.test(param.name),
	},
	hexColor: {
		n8nType: 'color',
		default: '',
		emptyUpFront: '',
		sdkShapes: ['string'],
		specTypes: ['string'],
	},
	id: {
		n8nType: 'string',
		default: '',
		hint: 'Leave empty to generate a unique ID',
		upFront: true,
		generated: true,
		sdkShapes: ['string'],
		specTypes: ['string'],
		scaffold: (param, method) =>
			param.shape === 'string' &&
			method.name.startsWith('create') &&
			/ID\.unique\(\)/.test(param.description),
	},
	binary: {
		n8nType: 'string',
		default: 'data',
		note: "The name of the input item's binary field that holds the file.",
		upFront: true,
		label: 'Input Binary Field',
		sdkShapes: ['file'],
		specTypes: ['file'],
		scaffold: (param) => param.shape === 'file',
	},
	queries: {
		n8nType: 'fixedCollection',
		default: {},
		note: 'Add conditions, or raw Appwrite queries in JSON; Return All and Limit add the paging queries.',
		typeOptions: { multipleValues: true },
		options: (field) => QUERY_BUILDERS[field],
		sdkShapes: ['string[]'],
		specTypes: ['string[]'],
		scaffold: (param) => param.shape === 'string[]' && param.name === 'queries',
	},
};

export const KIND_NAMES = Object.keys(KINDS) as InputKind[];

/** The kind catalog:scaffold drafts for an SDK parameter. */
export function scaffoldKind(param: SdkParam, method: SdkMethod): InputKind {
	return KIND_NAMES.find((kind) => KINDS[kind].scaffold?.(param, method)) ?? 'string';
}
