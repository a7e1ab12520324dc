/**
 * The call table a generated node hands to the runtime. Generated code holds these tables and
 * the n8n descriptions; every behaviour lives in the runtime that reads them.
 */

/** A kind of wide record Simplify may reduce (src/simplify.ts), when the node's Simplify switch is on. */
export type RecordKind = 'row' | 'document' | 'user' | 'file' | 'execution' | 'deployment';

/** How an input is read from n8n and converted before it reaches node-appwrite. */
export type InputKind =
	| 'string'
	| 'number'
	| 'boolean'
	| 'options'
	| 'multiOptions'
	| 'json'
	| 'jsonList'
	| 'stringList'
	| 'dateTime'
	| 'color'
	| 'hexColor'
	| 'id'
	| 'binary'
	| 'queries';

/**
 * The kinds read as lists. Left empty up front, such a field is not given; added under Additional
 * Fields and left empty, it is sent as an empty list (which clears labels, targets and the like).
 */
export const LIST_KINDS: ReadonlySet<InputKind> = new Set(['stringList', 'multiOptions']);

export interface ParamSpec {
	/** The parameter's name as node-appwrite spells it. */
	name: string;
	/** Label shown to the user, used in error messages. */
	label: string;
	kind: InputKind;
	/** Where n8n keeps the value: a top-level parameter, or a field of the Additional Fields collection. */
	location: 'top' | 'additionalFields';
	/** The user must give a value (an `id` may be left empty: it becomes `ID.unique()`). */
	required: boolean;
	/** API values accepted by `options` and `multiOptions`. */
	values?: readonly string[];
	/** Read only when a selector parameter, read before it, has one of these values. */
	showWhen?: { param: string; in: readonly string[] };
	/** A step puts the value in its URL path: it is checked as an Appwrite ID before any request. */
	inPath?: boolean;
	/** A switch beside the field (named by `nullFieldName`) sends `null`, distinct from leaving it out. */
	nullable?: boolean;
	/**
	 * node-appwrite needs a value or null on every call, though n8n cannot mark the field required
	 * (its Set to Null switch stands in for a value): left empty with the switch off, it is an error.
	 */
	valueOrNull?: boolean;
	/** node-appwrite takes `number | bigint`: whole numbers only, kept exact beyond 2^53 as a BigInt. */
	integer?: boolean;
	/**
	 * A resource locator (From list / By URL / By ID): n8n extracts the ID from its value; a plain
	 * string, as saved before the pickers, is read as it is.
	 */
	locator?: boolean;
	/** Record data that may instead come from n8n's resource mapper over the table's columns. */
	mapped?: MappedInput;
}

/** A record-data parameter with a resource mapper beside it (src/resource-mapper.ts). */
export interface MappedInput {
	/** The options field choosing JSON (the parameter itself, the default) or the mapper. */
	choice: string;
	/** The resource-mapper field. */
	mapper: string;
	/** The parameter takes a list of records: the mapped record is its one entry. */
	list?: boolean;
	/** How errors name a field: column or attribute. */
	word: 'column' | 'attribute';
}

/** Run a step only when a parameter was given, or when a parameter has one of some values. */
export type StepCondition = string | { param: string; in: readonly string[] };

export interface StepSpec {
	method: string;
	/** Names of the action's parameters this method takes, as node-appwrite declares them. */
	args: readonly string[];
	when?: StepCondition;
}

export type OutputSpec =
	| { kind: 'object'; simplify?: RecordKind }
	| { kind: 'delete' }
	| { kind: 'list'; key: string; pagination: 'cursor' | 'offset' | 'none'; simplify?: RecordKind }
	| {
			kind: 'binary';
			/** File name for the binary data; `{param}` is replaced by that input's value. */
			fileName: string;
			/** Step whose object result describes the file (name, mimeType) and becomes the item's JSON. */
			metadataStep?: number;
	  };

export interface ActionSpec {
	params: readonly ParamSpec[];
	steps: readonly StepSpec[];
	output: OutputSpec;
	/**
	 * The Get method of the created resource and the action parameters it takes. A create retried
	 * after an unanswered try, whose generated ID Appwrite reports taken, reads its record back.
	 */
	readBack?: { method: string; args: readonly string[] };
}

/**
 * Keyed by `<resource>.<operation>`, the values of the node's two selector parameters. An action
 * that behaves differently in an older version of the node has its own entry for that version,
 * keyed `<resource>.<operation>@<version>`.
 */
export type ActionTable = Readonly<Record<string, ActionSpec>>;

export interface AppwriteCredentials {
	endpoint: string;
	projectId: string;
	apiKey: string;
	selfSigned?: boolean;
	/** Seconds to wait for a connection, an answer, or more of an answer. */
	timeout?: number;
}
