import { stat } from 'node:fs/promises';

import type { FieldType, IDataObject, IExecuteFunctions, ResourceMapperField } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Client } from 'node-appwrite';

import {
	APPWRITE_ID_PATTERN,
	DEFAULT_CHUNKS_IN_FLIGHT,
	MAX_CHUNKS_IN_FLIGHT,
	MAX_PAGE_SIZE,
	NODE_FIELDS,
	nullFieldLabel,
	nullFieldName,
} from './descriptions';
import type { RunMemory } from './ids';
import { QueryInputError, toQueryStrings } from './queries';
import { bufferSource, fileSource } from './sources';
import { Upload } from './transport';
import type { InputKind, MappedInput, ParamSpec } from './types';
import { LIST_KINDS } from './types';

/**
 * Thrown by a converter; turned into a NodeOperationError naming the field and item. `subject`
 * names what was wrong when it is not the parameter itself, e.g. `column "price"`.
 */
class InputError extends Error {
	constructor(
		message: string,
		readonly subject?: string,
	) {
		super(message);
	}
}

type ConvertedKind = Exclude<InputKind, 'binary'>;

function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

function toText(value: unknown): string {
	return typeof value === 'string'
		? value
		: typeof value === 'object'
			? JSON.stringify(value)
			: String(value);
}

function toNumber(value: unknown): number {
	const number = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		throw new InputError(`expected a number, got ${JSON.stringify(value)}`);
	}
	return number;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** For node-appwrite's `number | bigint`: whole numbers, those beyond 2^53 kept exact as a BigInt. */
function toInteger(value: unknown): number | bigint {
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) throw new InputError(`expected a whole number, got ${value}`);
		// A number field cannot hold more than 2^53 exactly: the digits may already be lost.
		if (!Number.isSafeInteger(value)) {
			throw new InputError(
				`is ${value}, beyond 2^53, where digits may be lost: give it as text, e.g. "9007199254740993"`,
			);
		}
		return value;
	}
	const text = typeof value === 'bigint' ? value.toString() : String(value).trim();
	if (!/^-?\d+$/.test(text))
		throw new InputError(`expected a whole number, got ${JSON.stringify(String(value))}`);
	const exact = BigInt(text);
	if (exact < INT64_MIN || exact > INT64_MAX)
		throw new InputError(`is ${text}, outside Appwrite's 64-bit integers`);
	return Number.isSafeInteger(Number(exact)) ? Number(exact) : exact;
}

function toBoolean(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	const text = String(value).trim().toLowerCase();
	if (['true', '1', 'yes'].includes(text)) return true;
	if (['false', '0', 'no'].includes(text)) return false;
	throw new InputError(`expected true or false, got ${JSON.stringify(value)}`);
}

function toJson(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	let problem: string;
	try {
		return JSON.parse(value);
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new InputError(`is not valid JSON (${problem})`);
}

function toJsonList(value: unknown): unknown[] {
	const parsed = toJson(value);
	if (!Array.isArray(parsed)) throw new InputError('must be a JSON array, like [{"key": "value"}]');
	return parsed;
}

function toJsonObject(value: unknown): IDataObject {
	const parsed = toJson(value);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new InputError('must be a JSON object, like {"key": "value"}');
	}
	return parsed as IDataObject;
}

/** Lists arrive as arrays from expressions, or as comma-separated text typed into the field. */
function toStringList(value: unknown): string[] {
	const parsed = typeof value === 'string' && value.trim().startsWith('[') ? toJson(value) : value;
	const parts = Array.isArray(parsed) ? parsed : String(parsed).split(',');
	return parts
		.map((part) => (typeof part === 'string' ? part.trim() : JSON.stringify(part)))
		.filter((part) => part !== '');
}

function toDateTime(value: unknown): string {
	const text = value instanceof Date ? value.toISOString() : String(value).trim();
	if (Number.isNaN(Date.parse(text)))
		throw new InputError(`expected a date and time, got ${JSON.stringify(value)}`);
	return text;
}

function checkAllowed(value: string, spec: ParamSpec): string {
	if (spec.values && !spec.values.includes(value)) {
		throw new InputError(`"${value}" is not one of ${spec.values.join(', ')}`);
	}
	return value;
}

const converters: Record<ConvertedKind, (value: unknown, spec: ParamSpec) => unknown> = {
	string: toText,
	id: (value) => String(value).trim(),
	number: (value, spec) => (spec.integer ? toInteger(value) : toNumber(value)),
	boolean: toBoolean,
	options: (value, spec) => checkAllowed(String(value), spec),
	multiOptions: (value, spec) => toStringList(value).map((item) => checkAllowed(item, spec)),
	json: toJsonObject,
	jsonList: toJsonList,
	stringList: toStringList,
	dateTime: toDateTime,
	color: (value) => String(value).trim(),
	// Appwrite's image APIs take a hex colour without the # that n8n's colour picker puts in front.
	hexColor: (value) => String(value).trim().replace(/^#/, ''),
	queries: toQueryStrings,
};

/** Whole numbers as integers (exact beyond 2^53 when given as text), others as numbers. */
function toColumnNumber(value: unknown): number | bigint {
	const wholeText = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value);
	return typeof value === 'bigint' || wholeText ? toInteger(value) : toNumber(value);
}

/** A list column, a relationship's IDs or a point: an array, JSON array text, or comma-separated text. */
function toColumnList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'string')
		throw new InputError(`expected a list, got ${JSON.stringify(value)}`);
	const text = value.trim();
	if (text.startsWith('[')) return toJsonList(text);
	return text
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

/** How a mapped value is converted, by the n8n type the resource mapper gave its column. */
const COLUMN_CONVERTERS: Partial<
	Record<FieldType, (value: unknown, field: ResourceMapperField) => unknown>
> = {
	number: toColumnNumber,
	boolean: toBoolean,
	dateTime: toDateTime,
	options: (value, field) => {
		const allowed = (field.options ?? []).map((option) => String(option.value));
		if (allowed.length && !allowed.includes(String(value)))
			throw new InputError(`"${String(value)}" is not one of ${allowed.join(', ')}`);
		return String(value);
	},
	array: toColumnList,
	object: toJsonObject,
};

/** A mapped value converted to its column's type, or what is wrong with it. */
function convertColumn(value: unknown, field: ResourceMapperField): unknown {
	const convert = (field.type && COLUMN_CONVERTERS[field.type]) || toText;
	try {
		return convert(value, field);
	} catch (error) {
		return error;
	}
}

/** Sets a key as own data, so a field named `__proto__` stays data. */
function setOwn(record: IDataObject, key: string, value: unknown): void {
	Object.defineProperty(record, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

interface MapperValue {
	mappingMode?: string;
	value?: IDataObject | null;
	schema?: ResourceMapperField[];
}

/**
 * The record n8n's resource mapper describes, each value converted to its column's type. Define
 * Below sends the columns given a value: n8n keeps a column the user left alone as null (an
 * optional switch included), and those are not sent. Map Automatically sends the input item's
 * fields that are columns of the table (all of them when the columns were never loaded).
 */
function readMappedRecord(
	context: IExecuteFunctions,
	mapped: MappedInput,
	itemIndex: number,
): IDataObject {
	const mapper = (context.getNodeParameter(mapped.mapper, itemIndex, {}) ?? {}) as MapperValue;
	const fields = new Map((mapper.schema ?? []).map((field) => [field.id, field]));
	const autoMap = mapper.mappingMode === 'autoMapInputData';
	const given = (autoMap ? context.getInputData()[itemIndex]?.json : mapper.value) ?? {};
	const record: IDataObject = {};
	for (const [key, value] of Object.entries(given)) {
		const field = fields.get(key);
		const skipped = autoMap ? value === undefined || (fields.size > 0 && !field) : isBlank(value);
		if (skipped) continue;
		// Without loaded columns (Map Automatically only), the item's values go as they are.
		const converted = field ? convertColumn(value, field) : value;
		if (converted instanceof Error)
			throw new InputError(converted.message, `${mapped.word} "${key}"`);
		setOwn(record, key, converted);
	}
	for (const field of fields.values()) {
		if (field.required && !(field.id in record))
			throw new InputError('is required but empty', `${mapped.word} "${field.id}"`);
	}
	return record;
}

function readRaw(
	context: IExecuteFunctions,
	spec: ParamSpec,
	itemIndex: number,
	name = spec.name,
): unknown {
	// n8n takes a locator's ID out of its value (the URL mode's pattern); a plain string stays as it is.
	const extractValue = spec.locator && name === spec.name;
	if (spec.location === 'top')
		return context.getNodeParameter(name, itemIndex, undefined, { extractValue });
	const fields = context.getNodeParameter(
		NODE_FIELDS.additionalFields,
		itemIndex,
		{},
	) as IDataObject;
	if (!extractValue || fields[name] === undefined) return fields[name];
	return context.getNodeParameter(`${NODE_FIELDS.additionalFields}.${name}`, itemIndex, undefined, {
		extractValue,
	});
}

/** n8n's binary-data modes that keep a file on local disk, as the prefix of its binary ID. */
const ON_DISK_MODES = new Set(['filesystem', 'filesystem-v2']);

/**
 * A node-level number field (not one of the action's parameters), whole and within its bounds;
 * an expression can give it any value, which n8n's own bounds do not check.
 */
function wholeNumberField(
	context: IExecuteFunctions,
	itemIndex: number,
	field: { name: string; label: string; min: number; max?: number; fallback: number },
): number {
	const { name, label, min, max = Number.MAX_SAFE_INTEGER, fallback } = field;
	const value = context.getNodeParameter(name, itemIndex, fallback);
	if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
		return value;
	const bounds = field.max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
	throw new NodeOperationError(
		context.getNode(),
		`The field "${label}" must be a whole number ${bounds}, got ${JSON.stringify(value)} [item ${itemIndex}]`,
		{ itemIndex },
	);
}

/** How many chunks of an upload may be in flight at once: 1 to 8. */
function chunksInFlight(context: IExecuteFunctions, itemIndex: number): number {
	return wholeNumberField(context, itemIndex, {
		name: NODE_FIELDS.uploadChunksInParallel,
		label: 'Upload Chunks in Parallel',
		min: 1,
		max: MAX_CHUNKS_IN_FLIGHT,
		fallback: DEFAULT_CHUNKS_IN_FLIGHT,
	});
}

/** How a list action pages: every record in pages of Page Size (1 to 5,000), or up to Limit. */
export function readPaging(
	context: IExecuteFunctions,
	itemIndex: number,
): { returnAll: boolean; limit: number; pageSize: number } {
	const returnAll = context.getNodeParameter(NODE_FIELDS.returnAll, itemIndex, false) === true;
	if (!returnAll) {
		const limit = wholeNumberField(context, itemIndex, {
			name: NODE_FIELDS.limit,
			label: 'Limit',
			min: 1,
			fallback: 50,
		});
		return { returnAll, limit, pageSize: MAX_PAGE_SIZE };
	}
	const pageSize = wholeNumberField(context, itemIndex, {
		name: NODE_FIELDS.pageSize,
		label: 'Page Size',
		min: 1,
		max: MAX_PAGE_SIZE,
		fallback: MAX_PAGE_SIZE,
	});
	return { returnAll, limit: Infinity, pageSize };
}

/**
 * A binary input as an upload. A file n8n keeps on disk is read from there a chunk at a time;
 * one it keeps in memory (or in a store without a local path) is read whole, as n8n hands it out.
 */
async function readBinary(
	context: IExecuteFunctions,
	spec: ParamSpec,
	itemIndex: number,
	memory: RunMemory,
): Promise<Upload> {
	const property = String(context.getNodeParameter(spec.name, itemIndex, 'data')).trim();
	const binary = context.helpers.assertBinaryData(itemIndex, property);
	const name = binary.fileName ?? `${property}.${binary.fileExtension ?? 'bin'}`;
	const ledger = memory.ledger(itemIndex, spec.name);
	const inFlight = chunksInFlight(context, itemIndex);
	if (binary.id && ON_DISK_MODES.has(binary.id.split(':')[0])) {
		const path = context.helpers.getBinaryPath(binary.id);
		const { size } = await stat(path);
		return new Upload(fileSource(path, size, name, Client.CHUNK_SIZE), ledger, inFlight);
	}
	const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	return new Upload(bufferSource(buffer, name), ledger, inFlight);
}

/** Appwrite IDs and keys: up to 36 of a-z A-Z 0-9 . - _, not starting with a special character. */
const APPWRITE_ID = new RegExp(`^${APPWRITE_ID_PATTERN}$`);

/** A value that lands in a URL path must be a plain ID, so no value can reach another route. */
function checkPathSegment(value: unknown): unknown {
	if (typeof value === 'string' && APPWRITE_ID.test(value)) return value;
	const shown = JSON.stringify(String(value).slice(0, 40));
	throw new InputError(
		'must be an Appwrite ID: up to 36 characters a-z, A-Z, 0-9, period, hyphen and underscore, ' +
			`not starting with a period, hyphen or underscore; got ${shown}`,
	);
}

/** One input, converted; undefined when the user left an optional field out. */
async function readValue(
	context: IExecuteFunctions,
	spec: ParamSpec,
	itemIndex: number,
	memory: RunMemory,
): Promise<unknown> {
	if (spec.kind === 'binary') return await readBinary(context, spec, itemIndex, memory);
	if (spec.mapped && context.getNodeParameter(spec.mapped.choice, itemIndex, 'json') === 'map') {
		const record = readMappedRecord(context, spec.mapped, itemIndex);
		return spec.mapped.list ? [record] : record;
	}
	if (spec.nullable && readRaw(context, spec, itemIndex, nullFieldName(spec.name)) === true)
		return null;
	const raw = readRaw(context, spec, itemIndex);
	// An optional field shown up front and left empty was not given, as a list too; under Additional
	// Fields, an added empty list is a real value: it clears labels, targets and the like.
	const notGiven = spec.location === 'top' && !spec.required && isBlank(raw);
	if (LIST_KINDS.has(spec.kind) && raw !== undefined && raw !== null && !notGiven)
		return converters[spec.kind as ConvertedKind](raw, spec);
	// `unique()` is Appwrite's own request for a generated ID; drawing it here lets a retry reuse it.
	if (spec.kind === 'id' && (isBlank(raw) || String(raw).trim() === 'unique()')) {
		return memory.idFor(itemIndex, spec.name);
	}
	if (isBlank(raw)) {
		if (spec.required) throw new InputError('is required but empty');
		if (spec.valueOrNull)
			throw new InputError(
				`is empty: Appwrite needs a value, or null with "${nullFieldLabel(spec.label)}" turned on`,
			);
		return undefined;
	}
	const value = converters[spec.kind as ConvertedKind](raw, spec);
	return spec.inPath ? checkPathSegment(value) : value;
}

/**
 * Reads and converts every input of an action for one item, before any request is made, so bad
 * input fails just that item with a message that names the field.
 */
export async function readInputs(
	context: IExecuteFunctions,
	params: readonly ParamSpec[],
	itemIndex: number,
	memory: RunMemory,
): Promise<Record<string, unknown>> {
	const values: Record<string, unknown> = {};
	for (const spec of params) {
		if (spec.showWhen && !spec.showWhen.in.includes(String(values[spec.showWhen.param]))) continue;
		try {
			const value = await readValue(context, spec, itemIndex, memory);
			if (value !== undefined) values[spec.name] = value;
		} catch (error) {
			const badInput = error instanceof InputError || error instanceof QueryInputError;
			const column = error instanceof InputError ? error.subject : undefined;
			const subject = column ?? `field "${spec.label}"`;
			throw new NodeOperationError(
				context.getNode(),
				badInput ? `The ${subject} ${error.message} [item ${itemIndex}]` : (error as Error),
				badInput
					? {
							itemIndex,
							description: `Check the value of ${column ? `the ${column}` : `"${spec.label}"`} for item ${itemIndex}.`,
						}
					: { itemIndex },
			);
		}
	}
	return values;
}
