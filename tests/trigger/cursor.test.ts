/**
 * The polling cursor against a list that answers queries the way Appwrite does, read through the
 * runtime's own cursor paging (100 records a page): equal timestamps, pages, restarts and clock
 * ties, and updates by $updatedAt.
 */
import { Query } from 'node-appwrite';
import { describe, expect, it } from 'vitest';

import { collectPages, recordsOfPages } from '../../src/pagination';
import type { PollCursor, WatchedField } from '../../src/trigger/cursor';
import { advance, cursorAfter, newestFirst, queriesFrom } from '../../src/trigger/cursor';
import type { ListedRow } from '../support/appwrite-lists';
import { appwriteTime, listRecords } from '../support/appwrite-lists';

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
const OUTPUT = { kind: 'list', key: 'rows', pagination: 'cursor' } as const;

function row(id: string, createdMs: number, updatedMs = createdMs): ListedRow {
	return { $id: id, $createdAt: appwriteTime(createdMs), $updatedAt: appwriteTime(updatedMs) };
}

/** One poll: every page from the cursor on, through the runtime's paging, then the cursor's walk. */
async function poll(
	table: ListedRow[],
	cursor: PollCursor,
	field: WatchedField = '$createdAt',
	pageSize?: number,
) {
	let requests = 0;
	const pages = await collectPages(OUTPUT, {
		returnAll: true,
		limit: Infinity,
		pageSize,
		fetchPage: async (paging) => {
			requests++;
			return { total: 0, rows: listRecords(table, [...queriesFrom(cursor, field), ...paging]) };
		},
	});
	const result = advance(cursor, field, recordsOfPages(pages, OUTPUT));
	return { ...result, ids: result.fresh.map((record) => String(record.$id)), requests };
}

/** Where the trigger starts: after the newest record and everything sharing its instant. */
function start(table: ListedRow[], field: WatchedField = '$createdAt'): PollCursor {
	const [newest] = listRecords(table, [...newestFirst(field), Query.limit(1)]);
	const same = newest
		? listRecords(table, [
				Query.equal(field, String(newest[field])),
				Query.orderAsc('$id'),
				Query.limit(5000),
			])
		: [];
	return cursorAfter('watch', field, same);
}

/** A small deterministic PRNG (mulberry32), so the long run is the same on every machine. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('the polling cursor', () => {
	it('asks for records at or after the newest seen instant, oldest first, ties by ID', () => {
		const cursor: PollCursor = { watch: 'w', at: appwriteTime(T0), ids: ['a'] };
		expect(queriesFrom(cursor, '$updatedAt').map((query) => JSON.parse(query))).toEqual([
			{ method: 'greaterThanEqual', attribute: '$updatedAt', values: [appwriteTime(T0)] },
			{ method: 'orderAsc', attribute: '$updatedAt' },
			{ method: 'orderAsc', attribute: '$id' },
		]);
		expect(queriesFrom({ ...cursor, at: null, ids: [] }, '$createdAt')).toEqual([
			Query.orderAsc('$createdAt'),
			Query.orderAsc('$id'),
		]);
	});

	it('starts after what exists: nothing is emitted for records already there, all later ones are', async () => {
		const table = [row('a', T0), row('b', T0 + 5), row('c', T0 + 5)];
		const cursor = start(table);
		expect(cursor).toEqual({ watch: 'watch', at: appwriteTime(T0 + 5), ids: ['b', 'c'] });
		expect((await poll(table, cursor)).ids).toEqual([]);
		table.push(row('d', T0 + 9));
		expect((await poll(table, cursor)).ids).toEqual(['d']);
	});

	it('starts from the beginning when the list was empty, so the first records are not lost', async () => {
		const table: ListedRow[] = [];
		const cursor = start(table);
		expect(cursor.at).toBeNull();
		table.push(row('x', T0), row('y', T0));
		expect((await poll(table, cursor)).ids).toEqual(['x', 'y']);
	});

	it('emits a record that arrives later with the same timestamp as seen ones, and only that one (equal timestamps)', async () => {
		const table = [row('a', T0), row('c', T0)];
		let { cursor } = await poll(table, { watch: 'w', at: null, ids: [] });
		expect(cursor.ids).toEqual(['a', 'c']);
		table.push(row('b', T0)); // sorts between the two seen IDs
		const second = await poll(table, cursor);
		expect(second.ids).toEqual(['b']);
		cursor = second.cursor;
		expect(cursor).toEqual({ watch: 'w', at: appwriteTime(T0), ids: ['a', 'c', 'b'] });
		expect((await poll(table, cursor)).ids).toEqual([]);
	});

	it('reads every page in one poll and emits 250 records sharing one instant exactly once (pages)', async () => {
		const table = Array.from({ length: 250 }, (_, index) =>
			row(`r${String(index).padStart(3, '0')}`, T0),
		);
		const first = await poll(table, { watch: 'w', at: null, ids: [] }, '$createdAt', 100);
		expect(first.ids).toEqual(table.map((record) => record.$id));
		expect(first.requests).toBe(3);
		table.push(row('r999', T0 + 1));
		const second = await poll(table, first.cursor);
		expect(second.ids).toEqual(['r999']);
		expect(second.cursor).toEqual({ watch: 'w', at: appwriteTime(T0 + 1), ids: ['r999'] });
	});

	it('continues exactly where it stopped after a restart (the cursor as JSON in static data)', async () => {
		const table = [row('a', T0), row('b', T0 + 1)];
		const { cursor } = await poll(table, { watch: 'w', at: null, ids: [] });
		const restored = JSON.parse(JSON.stringify(cursor)) as PollCursor;
		table.push(row('c', T0 + 1), row('d', T0 + 2));
		expect((await poll(table, restored)).ids).toEqual(['c', 'd']);
	});

	it('emits a record again for each new version when watching $updatedAt', async () => {
		const table = [row('a', T0), row('b', T0)];
		const { cursor } = await poll(table, { watch: 'w', at: null, ids: [] }, '$updatedAt');
		table[0] = row('a', T0, T0 + 10);
		const second = await poll(table, cursor, '$updatedAt');
		expect(second.ids).toEqual(['a']);
		table[0] = row('a', T0, T0 + 20);
		table[1] = row('b', T0, T0 + 20);
		const third = await poll(table, second.cursor, '$updatedAt');
		expect(third.ids).toEqual(['a', 'b']);
		expect((await poll(table, third.cursor, '$updatedAt')).ids).toEqual([]);
	});

	it('never emits a record listed as older than the cursor', () => {
		const cursor: PollCursor = { watch: 'w', at: appwriteTime(T0 + 5), ids: ['b'] };
		expect(
			advance(cursor, '$createdAt', [row('old', T0), row('b', T0 + 5), row('c', T0 + 6)]).fresh.map(
				(r) => r.$id,
			),
		).toEqual(['c']);
	});

	it('refuses a record without a timestamp instead of guessing', () => {
		expect(() => advance({ watch: 'w', at: null, ids: [] }, '$createdAt', [{ $id: 'x' }])).toThrow(
			'without a valid $createdAt (ID x)',
		);
	});

	it('over 400 polls with a coarse clock (many ties), bursts across pages and restarts, emits each record exactly once in order', async () => {
		const next = random(20260105);
		const table: ListedRow[] = [row('seed1', T0), row('seed2', T0)];
		let cursor = start(table);
		let clock = T0;
		let serial = 0;
		const inserted: string[] = [];
		const emitted: string[] = [];
		for (let round = 0; round < 400; round++) {
			const burst = next() < 0.05 ? 120 + Math.floor(next() * 150) : Math.floor(next() * 4);
			for (let index = 0; index < burst; index++) {
				if (next() < 0.3) clock += 1; // most records share the millisecond of the one before
				// IDs that do not follow insertion order, so a late record can sort before seen ones
				const id = `${Math.floor(next() * 36 ** 4)
					.toString(36)
					.padStart(4, '0')}-${serial++}`;
				table.push(row(id, clock));
				inserted.push(id);
			}
			const result = await poll(
				table,
				next() < 0.2 ? (JSON.parse(JSON.stringify(cursor)) as PollCursor) : cursor,
			);
			emitted.push(...result.ids);
			cursor = result.cursor;
		}
		expect(new Set(emitted).size).toBe(emitted.length);
		expect([...emitted].sort()).toEqual([...inserted].sort());
		const position = new Map(table.map((record, index) => [record.$id, index]));
		const times = emitted.map((id) =>
			Date.parse(String(table[position.get(id) as number].$createdAt)),
		);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(inserted.length).toBeGreaterThan(1000);
	});
});
