/**
 * Expectations for the e2e workflows. Each `workflows/<name>.json` has a sibling
 * `workflows/<name>.expect.ts` whose default export is `defineExpectation({...})`.
 *
 * The runner always checks, before `check` is called, that:
 * - `n8n execute` exited 0 and printed the run as JSON, with no workflow-level error;
 * - every node of the workflow ran, and none failed (a Continue On Fail node still "succeeds").
 * `check` then looks at the items; throw to fail, e.g. with `assert` (node:assert/strict,
 * re-exported here: import it, TypeScript's assertion narrowing needs a declared name).
 */
import assert from 'node:assert/strict';

import type { Exchange } from './keygate';
import type { N8nItem, RawRun } from './n8n';

export interface CheckContext {
	/** Items on the first output of `node`, in its last run. */
	items: N8nItem[];
	/** `items.map(i => i.json)`. */
	json: Array<Record<string, unknown>>;
	/** The whole execution, for checks that span several nodes. */
	run: RawRun;
	/** Items of any node by name (first output, last run). */
	itemsOf(nodeName: string): N8nItem[];
	/**
	 * The bytes of a binary property of an item (`data` by default): decoded when n8n inlined them,
	 * read from the instance's binary-data folder when it stored them (the default, `filesystem`).
	 */
	binaryOf(item: N8nItem, property?: string): Buffer | undefined;
	/** The HTTP exchanges between n8n and the stand-in while this workflow ran, oldest first. */
	traffic: Exchange[];
	/** The bytes of the named part (e.g. `file`) of a multipart/form-data request body. */
	multipartPart(exchange: Exchange, name: string): Buffer | undefined;
}

export interface Expectation {
	/** One line: what the workflow proves. */
	description: string;
	/** The node whose output items `check` receives. */
	node: string;
	check(context: CheckContext): void | Promise<void>;
}

export function defineExpectation(expectation: Expectation): Expectation {
	return expectation;
}

/** Shared assertions for Appwrite model objects. */
export function assertAppwriteObject(json: Record<string, unknown>, what = 'item'): void {
	assert.equal(
		typeof json.$id,
		'string',
		`${what} should have a string $id, got ${JSON.stringify(json).slice(0, 300)}`,
	);
	assert.ok((json.$id as string).length > 0, `${what} has an empty $id`);
}

/** A Continue On Fail item: the node's error, as src/errors.ts errorItemJson() shapes it. */
export function assertErrorItem(json: Record<string, unknown>, httpCode?: string): void {
	assert.equal(
		typeof json.error,
		'string',
		`expected an error item, got ${JSON.stringify(json).slice(0, 300)}`,
	);
	assert.ok((json.error as string).length > 0, 'the error message is empty');
	if (httpCode !== undefined)
		assert.equal(json.httpCode, httpCode, `httpCode of ${JSON.stringify(json).slice(0, 300)}`);
}

/** Parses a multipart/form-data body just enough to return one part's bytes. */
export function multipartPart(exchange: Exchange, name: string): Buffer | undefined {
	const type = String(exchange.requestHeaders['content-type'] ?? '');
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
	if (!boundary) return undefined;
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	const body = exchange.requestBody;
	let start = body.indexOf(delimiter);
	while (start !== -1) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter, before the next
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			if (new RegExp(`name="${name}"`).test(headers)) return part.subarray(headerEnd + 4);
		}
		start = next;
	}
	return undefined;
}

export { assert };
