import { describe, expect, it } from 'vitest';

import { collectPages, recordItems, recordsOfPages } from '../../src/pagination';

/** A list of `total` records; a server that caps its pages gives at most `cap` whatever is asked. */
function fakeList(total: number, cap = Infinity) {
	const records = Array.from({ length: total }, (_, index) => ({ $id: `r${index}` }));
	const calls: string[][] = [];
	const fetchPage = async (queries: string[]) => {
		calls.push(queries);
		const parsed = queries.map(
			(query) => JSON.parse(query) as { method: string; values?: unknown[] },
		);
		const limit = Math.min(
			cap,
			Number(parsed.find((query) => query.method === 'limit')?.values?.[0] ?? 25),
		);
		const offset = Number(parsed.find((query) => query.method === 'offset')?.values?.[0] ?? 0);
		const after = parsed.find((query) => query.method === 'cursorAfter')?.values?.[0];
		const start = after ? records.findIndex((record) => record.$id === after) + 1 : offset;
		return { total, items: records.slice(start, start + limit) };
	};
	return { calls, fetchPage };
}

describe('collectPages', () => {
	it('follows the cursor to the end with Return All', async () => {
		const list = fakeList(250);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
			pageSize: 100,
		});
		expect(recordsOfPages(pages, output).map((record) => record.$id)).toEqual(
			Array.from({ length: 250 }, (_, index) => `r${index}`),
		);
		expect(list.calls).toHaveLength(3);
		expect(list.calls[1]).toContain(JSON.stringify({ method: 'cursorAfter', values: ['r99'] }));
	});

	it('asks for pages of 5,000 by default: 10,000 records in 3 requests, the last one finding the end', async () => {
		const list = fakeList(10_000);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
		});
		expect(recordsOfPages(pages, output)).toHaveLength(10_000);
		expect(list.calls.map((queries) => JSON.parse(queries[0]).values[0])).toEqual([
			5000, 5000, 5000,
		]);
		expect(pages).toHaveLength(2);
	});

	it('a short last page ends the list without a trailing empty request', async () => {
		const list = fakeList(7_250);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
		});
		expect(recordsOfPages(pages, output)).toHaveLength(7_250);
		expect(list.calls).toHaveLength(2);
	});

	it('goes on with the smaller pages of a server that caps them, while the total says more', async () => {
		const list = fakeList(450, 100);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
		});
		expect(recordsOfPages(pages, output).map((record) => record.$id)).toEqual(
			Array.from({ length: 450 }, (_, index) => `r${index}`),
		);
		expect(list.calls.map((queries) => JSON.parse(queries[0]).values[0])).toEqual([
			5000, 100, 100, 100, 100,
		]);
	});

	it('a capped server that sends the same short page again stops at its total, by offset too', async () => {
		const page = { total: 5, items: [{ $id: 'log' }] };
		let calls = 0;
		const output = { kind: 'list' as const, key: 'items', pagination: 'offset' as const };
		const pages = await collectPages(output, {
			fetchPage: async () => (calls++, page),
			returnAll: true,
			limit: 0,
		});
		expect(calls).toBe(5);
		expect(recordsOfPages(pages, output)).toHaveLength(5);
	});

	it('an empty list is one empty page, fetched once', async () => {
		const list = fakeList(0);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
		});
		expect(pages).toEqual([{ total: 0, items: [] }]);
		expect(list.calls).toHaveLength(1);
	});

	it('stops at the limit, asking only for what is needed', async () => {
		const list = fakeList(500);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: false,
			limit: 130,
			pageSize: 100,
		});
		expect(recordsOfPages(pages, output)).toHaveLength(130);
		expect(list.calls.map((queries) => JSON.parse(queries[0]).values[0])).toEqual([100, 30]);
	});

	it('pages by offset where Appwrite has no cursor (logs)', async () => {
		const list = fakeList(120);
		const output = { kind: 'list' as const, key: 'items', pagination: 'offset' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
			pageSize: 100,
		});
		expect(recordsOfPages(pages, output)).toHaveLength(120);
		expect(list.calls[1]).toContain(JSON.stringify({ method: 'offset', values: [100] }));
	});

	it('makes one plain call for lists without pagination', async () => {
		const list = fakeList(3);
		const output = { kind: 'list' as const, key: 'items', pagination: 'none' as const };
		await collectPages(output, { fetchPage: list.fetchPage, returnAll: false, limit: 1 });
		expect(list.calls).toEqual([[]]);
	});

	it('stops when a server ignores the cursor and sends the same page again', async () => {
		const page = {
			total: 500,
			items: Array.from({ length: 100 }, (_, index) => ({ $id: `r${index}` })),
		};
		let calls = 0;
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: async () => (calls++, page),
			returnAll: true,
			limit: 0,
		});
		expect(calls).toBe(2);
		expect(recordsOfPages(pages, output)).toHaveLength(100);
	});

	it('fails clearly when the answer has no such list', async () => {
		const output = { kind: 'list' as const, key: 'users', pagination: 'none' as const };
		await expect(
			collectPages(output, { fetchPage: async () => ({ total: 0 }), returnAll: true, limit: 0 }),
		).rejects.toThrow('Appwrite answered without a "users" list');
	});
});

describe('recordItems', () => {
	it('makes one paired item per record, up to the limit, holding the records themselves', async () => {
		const list = fakeList(30);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, {
			fetchPage: list.fetchPage,
			returnAll: true,
			limit: 0,
			pageSize: 10,
		});
		const items = recordItems(pages, output, 25, 4);
		expect(items.map((item) => item.json.$id)).toEqual(
			Array.from({ length: 25 }, (_, index) => `r${index}`),
		);
		expect(
			items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 4),
		).toBe(true);
		expect(items[12].json).toBe((pages[1].items as unknown[])[2]);
	});
});
