import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { APPWRITE_ID_PATTERN, NODE_FIELDS, nullFieldName } from './descriptions';
import type { RunMemory } from './ids';
import { QueryInputError, toQueryStrings } from './queries';
import { bufferSource, Upload } from './transport';
import type { InputKind, ParamSpec } from './types';

/** Thrown by a converter; turned into a NodeOperationError naming the field and item. */
class InputError extends Error {}

const LIST_KINDS: ReadonlySet<InputKind> = new Set(['stringList', 'multiOptions']);

type ConvertedKind = Exclude<InputKind, 'binary'>;

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
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
			throw new InputError(`is ${value}, beyond 2^53, where digits may be lost: give it as text, e.g. "9007199254740993"`);
		}
		return value;
	}
	const text = typeof value === 'bigint' ? value.toString() : String(value).trim();
	if (!/^-?\d+$/.test(text)) throw new InputError(`expected a whole number, got ${JSON.stringify(String(value))}`);
	const exact = BigInt(text);
	if (exact < INT64_MIN || exact > INT64_MAX) throw new InputError(`is ${text}, outside Appwrite's 64-bit integers`);
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
	return parts.map((part) => (typeof part === 'string' ? part.trim() : JSON.stringify(part))).filter((part) => part !== '');
}

function toDateTime(value: unknown): string {
	const text = value instanceof Date ? value.toISOString() : String(value).trim();
	if (Number.isNaN(Date.parse(text))) throw new InputError(`expected a date and time, got ${JSON.stringify(value)}`);
	return text;
}

function checkAllowed(value: string, spec: ParamSpec): string {
	if (spec.values && !spec.values.includes(value)) {
		throw new InputError(`"${value}" is not one of ${spec.values.join(', ')}`);
	}
	return value;
}

const converters: Record<ConvertedKind, (value: unknown, spec: ParamSpec) => unknown> = {
	string: (value) => (typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)),
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

function readRaw(context: IExecuteFunctions, spec: ParamSpec, itemIndex: number, name = spec.name): unknown {
	// n8n takes a locator's ID out of its value (the URL mode's pattern); a plain string stays as it is.
	const extractValue = spec.locator && name === spec.name;
	if (spec.location === 'top') return context.getNodeParameter(name, itemIndex, undefined, { extractValue });
	const fields = context.getNodeParameter(NODE_FIELDS.additionalFields, itemIndex, {}) as IDataObject;
	if (!extractValue || fields[name] === undefined) return fields[name];
	return context.getNodeParameter(`${NODE_FIELDS.additionalFields}.${name}`, itemIndex, undefined, { extractValue });
}

async function readBinary(
	context: IExecuteFunctions,
	spec: ParamSpec,
	itemIndex: number,
	memory: RunMemory,
): Promise<Upload> {
	const property = String(context.getNodeParameter(spec.name, itemIndex, 'data')).trim();
	const binary = context.helpers.assertBinaryData(itemIndex, property);
	const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const name = binary.fileName ?? `${property}.${binary.fileExtension ?? 'bin'}`;
	return new Upload(bufferSource(buffer, name), memory.ledger(itemIndex, spec.name));
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
	if (spec.nullable && readRaw(context, spec, itemIndex, nullFieldName(spec.name)) === true) return null;
	const raw = readRaw(context, spec, itemIndex);
	// An optional field shown up front and left empty was not given, as a list too; under Additional
	// Fields, an added empty list is a real value: it clears labels, targets and the like.
	const notGiven = spec.location === 'top' && !spec.required && isBlank(raw);
	if (LIST_KINDS.has(spec.kind) && raw !== undefined && raw !== null && !notGiven) return converters[spec.kind as ConvertedKind](raw, spec);
	// `unique()` is Appwrite's own request for a generated ID; drawing it here lets a retry reuse it.
	if (spec.kind === 'id' && (isBlank(raw) || String(raw).trim() === 'unique()')) {
		return memory.idFor(itemIndex, spec.name);
	}
	if (isBlank(raw)) {
		if (spec.required) throw new InputError('is required but empty');
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
			throw new NodeOperationError(
				context.getNode(),
				badInput ? `The field "${spec.label}" ${error.message} [item ${itemIndex}]` : (error as Error),
				badInput ? { itemIndex, description: `Check the value of "${spec.label}" for item ${itemIndex}.` } : { itemIndex },
			);
		}
	}
	return values;
}
