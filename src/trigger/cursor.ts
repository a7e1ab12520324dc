/**
 * The polling trigger's cursor. Appwrite timestamps have millisecond precision, so many records
 * can share one (a bulk insert, a busy table). The cursor therefore keeps the newest timestamp
 * seen and the IDs of every record seen at exactly that instant: the next poll asks for records
 * at or after it, in timestamp then ID order, and skips those IDs. Nothing is lost or repeated
 * across equal timestamps, pages (all pages are read in one poll) or restarts (the cursor lives in
 * the workflow's static data).
 */
import { Query } from 'node-appwrite';

export type WatchedField = '$createdAt' | '$updatedAt';

export type ListedRecord = Record<string, unknown>;

export interface PollCursor {
	/** What the cursor belongs to (resource, parent IDs, field); another watch starts afresh. */
	watch: string;
	/** The newest timestamp seen, as Appwrite wrote it; null when there was nothing yet. */
	at: string | null;
	/** IDs of the records seen with exactly that timestamp. */
	ids: string[];
}

function instantOf(record: ListedRecord, field: WatchedField): { text: string; time: number } {
	const text = record[field];
	const time = typeof text === 'string' ? Date.parse(text) : NaN;
	if (Number.isNaN(time))
		throw new Error(`Appwrite listed a record without a valid ${field} (ID ${String(record.$id)})`);
	return { text: text as string, time };
}

/** The records from the cursor on, oldest first; ties in ID order so pages and polls agree. */
export function queriesFrom(cursor: PollCursor, field: WatchedField): string[] {
	const order = [Query.orderAsc(field), Query.orderAsc('$id')];
	return cursor.at === null ? order : [Query.greaterThanEqual(field, cursor.at), ...order];
}

/** The newest record first. */
export function newestFirst(field: WatchedField): string[] {
	return [Query.orderDesc(field), Query.orderDesc('$id')];
}

/** The cursor that counts `newest` (the records sharing the newest timestamp) as seen. */
export function cursorAfter(
	watch: string,
	field: WatchedField,
	newest: readonly ListedRecord[],
): PollCursor {
	if (newest.length === 0) return { watch, at: null, ids: [] };
	return {
		watch,
		at: instantOf(newest[0], field).text,
		ids: newest.map((record) => String(record.$id)),
	};
}

/**
 * Walks records listed by `queriesFrom(cursor)` (timestamp, then ID order): returns those not seen
 * before, in that order, and the cursor after them.
 */
export function advance(
	cursor: PollCursor,
	field: WatchedField,
	records: readonly ListedRecord[],
): { fresh: ListedRecord[]; cursor: PollCursor } {
	let at = cursor.at;
	let atTime = at === null ? -Infinity : Date.parse(at);
	let ids = new Set(cursor.ids);
	const fresh: ListedRecord[] = [];
	for (const record of records) {
		const { text, time } = instantOf(record, field);
		const id = String(record.$id);
		if (time < atTime || (time === atTime && ids.has(id))) continue;
		fresh.push(record);
		if (time > atTime) {
			at = text;
			atTime = time;
			ids = new Set();
		}
		ids.add(id);
	}
	return { fresh, cursor: { watch: cursor.watch, at, ids: [...ids] } };
}
