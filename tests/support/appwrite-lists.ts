/**
 * How an Appwrite list endpoint answers the queries node-appwrite sends, for fake tables in the
 * tests and the e2e stand-in: filters, ordering (ties keep insertion order, as Appwrite's internal
 * sequence does), cursorAfter (an error when the cursor record does not exist) and limit.
 */
export type ListedRow = Record<string, unknown> & { $id: string };

export class ListQueryError extends Error {
	constructor(
		readonly status: number,
		readonly type: string,
		message: string,
	) {
		super(message);
	}
}

interface ParsedQuery {
	method: string;
	attribute?: string;
	values?: unknown[];
}

/** Appwrite's datetime format, e.g. 2026-01-05T10:00:00.000+00:00. */
export function appwriteTime(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '+00:00');
}

function comparable(value: unknown): number | string {
	if (typeof value === 'number') return value;
	const text = String(value ?? '');
	const time = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
	return Number.isNaN(time) ? text : time;
}

function compare(a: unknown, b: unknown): number {
	const [x, y] = [comparable(a), comparable(b)];
	if (typeof x === 'number' && typeof y === 'number') return x - y;
	return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

const FILTERS: Record<string, (value: unknown, wanted: unknown[]) => boolean> = {
	equal: (value, wanted) => wanted.some((entry) => compare(value, entry) === 0),
	notEqual: (value, wanted) => wanted.every((entry) => compare(value, entry) !== 0),
	greaterThan: (value, [wanted]) => compare(value, wanted) > 0,
	greaterThanEqual: (value, [wanted]) => compare(value, wanted) >= 0,
	lessThan: (value, [wanted]) => compare(value, wanted) < 0,
	lessThanEqual: (value, [wanted]) => compare(value, wanted) <= 0,
};

/** The records an Appwrite list returns for `queries` (JSON strings made by node-appwrite's Query). */
export function listRecords<T extends ListedRow>(
	records: readonly T[],
	queries: readonly string[],
): T[] {
	const parsed = queries.map((query) => JSON.parse(query) as ParsedQuery);
	let result = [...records];
	for (const query of parsed) {
		const filter = FILTERS[query.method];
		if (filter)
			result = result.filter((record) =>
				filter(record[query.attribute as string], query.values ?? []),
			);
		else if (
			!['orderAsc', 'orderDesc', 'limit', 'offset', 'cursorAfter', 'cursorBefore'].includes(
				query.method,
			)
		) {
			throw new ListQueryError(
				400,
				'general_query_invalid',
				`The fake list does not support "${query.method}"`,
			);
		}
	}
	const orders = parsed.filter(
		(query) => query.method === 'orderAsc' || query.method === 'orderDesc',
	);
	result = result
		.map((record, position) => ({ record, position }))
		.sort((a, b) => {
			for (const order of orders) {
				const difference = compare(
					a.record[order.attribute as string],
					b.record[order.attribute as string],
				);
				if (difference !== 0) return order.method === 'orderAsc' ? difference : -difference;
			}
			return a.position - b.position;
		})
		.map(({ record }) => record);
	const cursor = parsed.find((query) => query.method === 'cursorAfter');
	if (cursor) {
		const id = String(cursor.values?.[0]);
		if (!records.some((record) => record.$id === id)) {
			throw new ListQueryError(
				400,
				'document_not_found',
				`Document '${id}' for the 'cursor' value not found.`,
			);
		}
		const index = result.findIndex((record) => record.$id === id);
		result = index === -1 ? [] : result.slice(index + 1);
	}
	const offset = Number(parsed.find((query) => query.method === 'offset')?.values?.[0] ?? 0);
	const limit = Number(parsed.find((query) => query.method === 'limit')?.values?.[0] ?? 25);
	return result.slice(offset, offset + limit);
}
