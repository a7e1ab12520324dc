import { Query } from 'node-appwrite';

import type { OutputSpec } from './types';

type ListOutput = Extract<OutputSpec, { kind: 'list' }>;
type Page = Record<string, unknown>;

/** Appwrite caps a page at 5,000 records on some lists and at 100 elsewhere; 100 is safe everywhere. */
export const PAGE_SIZE = 100;

export interface ListRequest {
	/** Fetches one page with the given pagination queries added to the user's own. */
	fetchPage: (paginationQueries: string[]) => Promise<Page>;
	returnAll: boolean;
	limit: number;
}

function recordsOf(page: Page, output: ListOutput): Array<Record<string, unknown>> {
	const records = page[output.key];
	if (!Array.isArray(records)) {
		throw new Error(`Appwrite answered without a "${output.key}" list`);
	}
	return records as Array<Record<string, unknown>>;
}

/**
 * Follows the list until the end (Return All) or until `limit` records: by cursor where Appwrite
 * supports it, by offset for logs, which only accept limit and offset.
 */
export async function collectPages(output: ListOutput, request: ListRequest): Promise<Page[]> {
	if (output.pagination === 'none') {
		const page = await request.fetchPage([]);
		return [{ ...page, [output.key]: recordsOf(page, output) }];
	}

	const pages: Page[] = [];
	let fetched = 0;
	let cursor: string | undefined;
	for (;;) {
		const wanted = request.returnAll ? PAGE_SIZE : Math.min(PAGE_SIZE, request.limit - fetched);
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
		pages.push({ ...page, [output.key]: records });
		fetched += records.length;
		if (records.length < wanted) break;
		if (output.pagination === 'cursor' && !next) break;
		cursor = next;
	}
	return pages;
}

export function recordsOfPages(pages: Page[], output: ListOutput): Array<Record<string, unknown>> {
	return pages.flatMap((page) => recordsOf(page, output));
}
