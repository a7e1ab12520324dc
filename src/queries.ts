import type { IDataObject } from 'n8n-workflow';
import { Query } from 'node-appwrite';

/** Thrown for a query the user wrote wrongly; the caller names the field and item. */
export class QueryInputError extends Error {}

type ValueType = 'string' | 'number' | 'boolean';

function typed(value: string, type: ValueType, position: string): string | number | boolean {
	if (type === 'string') return value;
	if (type === 'boolean') {
		if (value.trim() === 'true' || value.trim() === 'false') return value.trim() === 'true';
		throw new QueryInputError(`${position}: "${value}" is not true or false`);
	}
	const number = Number(value.trim());
	if (value.trim() === '' || !Number.isFinite(number))
		throw new QueryInputError(`${position}: "${value}" is not a number`);
	return number;
}

/** The builder's operators, each made with node-appwrite's own Query helper. */
const OPERATORS: Record<
	string,
	(
		attribute: string,
		value: () => string | number | boolean,
		second: () => string | number,
	) => string
> = {
	equal: (attribute, value) => Query.equal(attribute, value()),
	notEqual: (attribute, value) => Query.notEqual(attribute, value()),
	lessThan: (attribute, value) => Query.lessThan(attribute, value()),
	lessThanEqual: (attribute, value) => Query.lessThanEqual(attribute, value()),
	greaterThan: (attribute, value) => Query.greaterThan(attribute, value()),
	greaterThanEqual: (attribute, value) => Query.greaterThanEqual(attribute, value()),
	between: (attribute, value, second) =>
		Query.between(attribute, value() as string | number, second()),
	startsWith: (attribute, value) => Query.startsWith(attribute, String(value())),
	endsWith: (attribute, value) => Query.endsWith(attribute, String(value())),
	contains: (attribute, value) => Query.contains(attribute, String(value())),
	search: (attribute, value) => Query.search(attribute, String(value())),
	isNull: (attribute) => Query.isNull(attribute),
	isNotNull: (attribute) => Query.isNotNull(attribute),
	orderAsc: (attribute) => Query.orderAsc(attribute),
	orderDesc: (attribute) => Query.orderDesc(attribute),
	select: (attribute) =>
		Query.select(
			attribute
				.split(',')
				.map((name) => name.trim())
				.filter(Boolean),
		),
};

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

/** Each raw query is a JSON object string with a method, as node-appwrite's Query helpers make them. */
function checkRaw(query: unknown, position: string): string {
	const text = typeof query === 'string' ? query.trim() : JSON.stringify(query);
	const decoded = parseJson(text);
	if (decoded === NOT_JSON) throw new QueryInputError(`${position} is not JSON: ${text}`);
	if (
		typeof decoded !== 'object' ||
		decoded === null ||
		typeof (decoded as IDataObject).method !== 'string'
	) {
		throw new QueryInputError(
			`${position} has no "method", e.g. {"method":"equal","attribute":"name","values":["Ann"]}`,
		);
	}
	return text;
}

function fromBuilder(condition: IDataObject, position: string): string {
	const method = String(condition.method ?? '');
	const build = OPERATORS[method];
	if (!build) throw new QueryInputError(`${position}: unknown operator "${method}"`);
	const attribute = String(condition.attribute ?? '').trim();
	if (!attribute) throw new QueryInputError(`${position}: the attribute is empty`);
	const type = (condition.valueType as ValueType | undefined) ?? 'string';
	return build(
		attribute,
		() => typed(String(condition.value ?? ''), type, position),
		() =>
			typed(String(condition.valueTo ?? ''), type === 'boolean' ? 'string' : type, position) as
				| string
				| number,
	);
}

/**
 * Turns what the Queries field holds into Appwrite query strings: the builder's conditions and raw
 * JSON queries from the UI, or an array (or JSON array text) of queries from an expression.
 */
export function toQueryStrings(value: unknown): string[] {
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return [];
		const parsed = parseJson(text);
		if (parsed === NOT_JSON) throw new QueryInputError(`is not a JSON array of queries: ${text}`);
		return toQueryStrings(Array.isArray(parsed) ? parsed : [parsed]);
	}
	if (Array.isArray(value))
		return value.map((query, index) => checkRaw(query, `query ${index + 1}`));
	const fields = (value ?? {}) as IDataObject;
	const conditions = ((fields.conditions as IDataObject[] | undefined) ?? []).map(
		(condition, index) => fromBuilder(condition, `condition ${index + 1}`),
	);
	const raw = ((fields.raw as IDataObject[] | undefined) ?? []).map((entry, index) =>
		checkRaw(entry.query, `raw query ${index + 1}`),
	);
	return [...conditions, ...raw];
}
