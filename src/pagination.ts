import type { INodeExecutionData } from 'n8n-workflow';
import { Query } from 'node-appwrite';

import { MAX_PAGE_SIZE } from './descriptions';
import { jsonItem } from './outputs';
import type { OutputSpec } from './types';

type ListOutput = Extract<OutputSpec, { kind: 'list' }>;
type Page = Record<string, unknown>;

/** A page of the editor's "From list" pickers: small, as a person scrolls through it. */
export const PAGE_SIZE = 100;

export interface ListRequest {
	/** Fetches one page with the given pagination queries added to the user's own. */
	fetchPage: (paginationQueries: string[]) => Promise<Page>;
	returnAll: boolean;
	limit: number;
	/** Records asked for per request: Appwrite's most unless a server refuses that many. */
	pageSize?: number;
}

export function recordsOf(page: Page, output: ListOutput): Array<Record<string, unknown>> {
	const records = page[output.key];
	if (!Array.isArray(records)) {
		throw new Error(`Appwrite answered without a "${output.key}" list`);
	}
	return records as Array<Record<string, unknown>>;
}

/**
 * Follows the list until the end (Return All) or until `limit` records: by cursor where Appwrite
 * supports it, by offset for logs, which only accept limit and offset. Pages are as large as
 * Appwrite allows; a page shorter than asked ends the list, so no empty request follows, unless
 * the answer's total says more: then the server gives fewer per page than asked, and the list goes
 * on with pages of that size until the total is reached. Pages are kept as Appwrite sent them,
 * without copies.
 */
export async function collectPages(output: ListOutput, request: ListRequest): Promise<Page[]> {
	if (output.pagination === 'none') {
		const page = await request.fetchPage([]);
		recordsOf(page, output);
		return [page];
	}

	const pages: Page[] = [];
	let pageSize = request.pageSize ?? MAX_PAGE_SIZE;
	// Set once a server gave fewer than asked while its total said more: from then on the total,
	// not the page's size, says when the list ends.
	let serverCapped = false;
	let fetched = 0;
	let cursor: string | undefined;
	for (;;) {
		const wanted = request.returnAll ? pageSize : Math.min(pageSize, request.limit - fetched);
		if (wanted <= 0) break;
		const queries = [Query.limit(wanted)];
		if (output.pagination === 'offset' && fetched > 0) queries.push(Query.offset(fetched));
		if (output.pagination === 'cursor' && cursor) queries.push(Query.cursorAfter(cursor));

		const page = await request.fetchPage(queries);
		const records = recordsOf(page, output);
		const last = records[records.length - 1];
		const next = typeof last?.$id === 'string' ? last.$id : undefined;
		// A server that ignores the cursor sends the same page again: stop, without repeating it.
		if (output.pagination === 'cursor' && cursor !== undefined && next === cursor) break;
		// An empty list is one empty page; after other pages, an empty one adds nothing.
		if (records.length === 0 && pages.length > 0) break;
		pages.push(page);
		if (records.length === 0) break;
		fetched += records.length;
		const total = typeof page.total === 'number' ? page.total : 0;
		if (serverCapped && total <= fetched) break;
		if (!serverCapped && records.length < wanted) {
			if (total <= fetched) break;
			serverCapped = true;
			pageSize = records.length;
		}
		if (output.pagination === 'cursor' && !next) break;
		cursor = next;
	}
	return pages;
}

export function recordsOfPages(pages: Page[], output: ListOutput): Array<Record<string, unknown>> {
	return pages.flatMap((page) => recordsOf(page, output));
}

/** One item per record, up to `limit`, made straight from the pages. */
export function recordItems(
	pages: Page[],
	output: ListOutput,
	limit: number,
	itemIndex: number,
	shape: (record: Record<string, unknown>) => unknown = (record) => record,
): INodeExecutionData[] {
	const items: INodeExecutionData[] = [];
	for (const page of pages) {
		for (const record of recordsOf(page, output)) {
			if (items.length >= limit) return items;
			items.push(jsonItem(shape(record), itemIndex));
		}
	}
	return items;
}
