import { describe, expect, it } from 'vitest';

import { collectPages, PAGE_SIZE, recordsOfPages } from '../../src/pagination';

function fakeList(total: number) {
	const records = Array.from({ length: total }, (_, index) => ({ $id: `r${index}` }));
	const calls: string[][] = [];
	const fetchPage = async (queries: string[]) => {
		calls.push(queries);
		const parsed = queries.map((query) => JSON.parse(query) as { method: string; values?: unknown[] });
		const limit = Number(parsed.find((query) => query.method === 'limit')?.values?.[0] ?? 25);
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
		const pages = await collectPages(output, { fetchPage: list.fetchPage, returnAll: true, limit: 0 });
		expect(recordsOfPages(pages, output).map((record) => record.$id)).toEqual(
			Array.from({ length: 250 }, (_, index) => `r${index}`),
		);
		expect(list.calls).toHaveLength(3);
		expect(list.calls[1]).toContain(JSON.stringify({ method: 'cursorAfter', values: [`r${PAGE_SIZE - 1}`] }));
	});

	it('stops at the limit, asking only for what is needed', async () => {
		const list = fakeList(500);
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, { fetchPage: list.fetchPage, returnAll: false, limit: 130 });
		expect(recordsOfPages(pages, output)).toHaveLength(130);
		expect(list.calls.map((queries) => JSON.parse(queries[0]).values[0])).toEqual([100, 30]);
	});

	it('pages by offset where Appwrite has no cursor (logs)', async () => {
		const list = fakeList(120);
		const output = { kind: 'list' as const, key: 'items', pagination: 'offset' as const };
		const pages = await collectPages(output, { fetchPage: list.fetchPage, returnAll: true, limit: 0 });
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
		const page = { total: 500, items: Array.from({ length: 100 }, (_, index) => ({ $id: `r${index}` })) };
		let calls = 0;
		const output = { kind: 'list' as const, key: 'items', pagination: 'cursor' as const };
		const pages = await collectPages(output, { fetchPage: async () => (calls++, page), returnAll: true, limit: 0 });
		expect(calls).toBe(2);
		expect(recordsOfPages(pages, output)).toHaveLength(100);
	});

	it('fails clearly when the answer has no such list', async () => {
		const output = { kind: 'list' as const, key: 'users', pagination: 'none' as const };
		await expect(collectPages(output, { fetchPage: async () => ({ total: 0 }), returnAll: true, limit: 0 })).rejects.toThrow(
			'Appwrite answered without a "users" list',
		);
	});
});
