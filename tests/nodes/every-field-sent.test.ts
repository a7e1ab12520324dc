/**
 * For every action in the catalog: fill every field the node shows with a distinct value, run it,
 * and check that each value reached Appwrite under its own SDK name — so no field is shown and
 * never sent, none is sent under another's name (the old argument-order bugs), booleans can be
 * false, lists arrive as arrays, JSON as objects, options as API values — and nothing is printed.
 * The one exception, picker-only fields (they only narrow another field's From list), is filled
 * too and must reach Appwrite nowhere.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { CatalogAction, CatalogService } from '../../codegen/catalog';
import { actionKey, loadCatalog } from '../../codegen/catalog';
import { EMPTY_NOTES, emptyNoteOf } from '../../codegen/describe';
import { actionSpec } from '../../codegen/model';
import { loadObjects } from '../../codegen/objects';
import { resolveCatalog } from '../../codegen/resolve';
import { SdkDeclarations } from '../../codegen/sdk';
import { APPWRITE_ID_PATTERN } from '../../src/descriptions';
import type { ActionSpec, ParamSpec } from '../../src/types';
import type { RunResult } from '../support/engine';
import { appwriteCredentials, binaryItem, runNode } from '../support/engine';
import { fillParameters } from '../support/samples';
import type { RecordedRequest } from '../support/stub-server';
import { StubServer } from '../support/stub-server';

let stub: StubServer;
const sdk = new SdkDeclarations();
const catalog = loadCatalog();
const nodes = resolveCatalog(catalog, sdk, loadObjects());

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());

/** A value per field, distinct across the action's fields, with the value node-appwrite should send. */
function distinctValue(
	param: ParamSpec,
	index: number,
	defaults: Record<string, unknown>,
): { input: unknown; sent: unknown } {
	switch (param.kind) {
		case 'number': {
			const value = Number(defaults[param.name] ?? 0) + index + 1;
			return { input: value, sent: value };
		}
		case 'boolean':
			return { input: false, sent: false };
		case 'options':
		case 'multiOptions': {
			const value = param.values?.[index % param.values.length] as string;
			return param.kind === 'options'
				? { input: value, sent: value }
				: { input: [value], sent: [value] };
		}
		case 'json':
			return {
				input: `{"field${index}": "${param.name}"}`,
				sent: { [`field${index}`]: param.name },
			};
		case 'jsonList':
			return {
				input: `[{"field${index}": "${param.name}"}]`,
				sent: [{ [`field${index}`]: param.name }],
			};
		case 'stringList':
			return {
				input: `${param.name}-a, ${param.name}-b`,
				sent: [`${param.name}-a`, `${param.name}-b`],
			};
		case 'dateTime':
			return {
				input: `2031-01-0${(index % 9) + 1}T00:00:00.000Z`,
				sent: `2031-01-0${(index % 9) + 1}T00:00:00.000Z`,
			};
		case 'binary':
			return { input: 'data', sent: 'file content' };
		case 'queries':
			return {
				input: {
					conditions: [
						{ method: 'equal', attribute: param.name, valueType: 'string', value: `q${index}` },
					],
				},
				sent: [JSON.stringify({ method: 'equal', attribute: param.name, values: [`q${index}`] })],
			};
		default:
			return { input: `${param.name}-${index}`, sent: `${param.name}-${index}` };
	}
}

/** What the requests carried, by parameter name: JSON bodies, query strings, multipart fields. */
function carried(requests: RecordedRequest[]): Map<string, unknown> {
	const values = new Map<string, unknown>();
	for (const request of requests) {
		for (const [key, value] of Object.entries((request.json as Record<string, unknown>) ?? {}))
			values.set(key, value);
		for (const [key, value] of request.query.entries()) {
			const [, name, listed] = /^(\w+)(\[\d+\])?$/.exec(key) ?? [];
			if (!name) continue;
			const parsed = value === 'true' ? true : value === 'false' ? false : value;
			if (listed) values.set(name, [...((values.get(name) as unknown[]) ?? []), parsed]);
			else values.set(name, parsed);
		}
		for (const [key, value] of request.form ?? []) {
			const name = key.replace(/\[\]$/, '');
			if (typeof value !== 'string') values.set(name, value.content.toString());
			else if (key.endsWith('[]'))
				values.set(name, [...((values.get(name) as unknown[]) ?? []), value]);
			// Multipart fields are text: booleans arrive as "true"/"false", as in a query string.
			else values.set(name, value === 'true' ? true : value === 'false' ? false : value);
		}
	}
	return values;
}

/** A plausible answer for the action's output kind; a download's first request reads the file's details. */
function answerFor(spec: ActionSpec, requestNumber: number) {
	const readsDetailsFirst =
		spec.output.kind === 'binary' && spec.output.metadataStep === 0 && requestNumber === 1;
	if (spec.output.kind === 'binary' && !readsDetailsFirst) {
		return {
			body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
			headers: { 'content-type': 'image/png' },
		};
	}
	if (spec.output.kind === 'list')
		return { json: { total: 1, [spec.output.key]: [{ $id: 'record-1' }] } };
	if (spec.output.kind === 'delete') return { status: 204 };
	return { json: { $id: 'result-1', name: 'file.png', mimeType: 'image/png' } };
}

/**
 * Runs one action through n8n's engine against the stub, as a new workflow would (the node's
 * current version), checks that it printed nothing, and returns its result and what reached Appwrite.
 */
async function runAction(
	service: CatalogService,
	spec: ActionSpec,
	parameters: Record<string, unknown>,
): Promise<{ result: RunResult; sent: Map<string, unknown> }> {
	stub.reset();
	stub.fallback(() => answerFor(spec, stub.requests.length));
	const items: INodeExecutionData[] = spec.params.some((param) => param.kind === 'binary')
		? [binaryItem(Buffer.from('file content'), 'upload.txt', 'text/plain')]
		: [{ json: {} }];
	const print = ['log', 'info', 'warn', 'error', 'debug'].map((method) =>
		vi.spyOn(console, method as 'log'),
	);
	const result = await runNode({
		type: service.node.charAt(0).toLowerCase() + service.node.slice(1),
		// As a new workflow: the current version of the node, whose layout the call table gives.
		typeVersion: service.version ?? 1,
		parameters,
		credentials: appwriteCredentials(stub.endpoint, 'secret-key', 'p'),
		items,
	});
	for (const spy of print) {
		expect(spy).not.toHaveBeenCalled();
		spy.mockRestore();
	}
	return { result, sent: carried(stub.requests) };
}

const actions = catalog.flatMap((service) =>
	service.actions.flatMap((action: CatalogAction) => {
		const selector = action.params.find((param) => param.selector);
		const choices = selector ? (selector.options ?? []).map((option) => option.value) : [undefined];
		return choices.map(
			(choice) =>
				[
					`${service.node} ${actionKey(action)}${choice ? ` (${choice})` : ''}`,
					service,
					action,
					choice,
				] as const,
		);
	}),
);

describe('every field shown is sent, under its own name', () => {
	it.each(actions)('%s', async (_, service, action, choice) => {
		const spec = actionSpec(service, action, sdk);
		const defaults = Object.fromEntries(action.params.map((param) => [param.name, param.default]));
		const expected = new Map<string, unknown>();
		const base = {
			resource: action.resource,
			operation: action.operation,
			returnAll: false,
			limit: 5,
		};
		const parameters = fillParameters(spec, base, (param, index) => {
			if (action.params.find((entry) => entry.name === param.name)?.selector) return choice;
			const { input, sent } = distinctValue(param, index, defaults);
			expected.set(param.name, sent);
			return input;
		});
		const pickerOnly = action.params.filter((param) => param.pickerOnly);
		for (const param of pickerOnly)
			parameters[param.name] = { __rl: true, mode: 'id', value: `picker-only-${param.name}` };

		const { result, sent } = await runAction(service, spec, parameters);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		// Path parameters, and the few the SDK renames on the wire (xpath is sent as "path").
		const everything = stub.requests
			.map(
				(request) =>
					`${decodeURIComponent(request.path)} ${request.query.toString()} ${request.body.toString()}`,
			)
			.join(' ');
		for (const param of pickerOnly) {
			expect(sent.has(param.name), `picker-only ${param.name} sent`).toBe(false);
			expect(everything, `picker-only ${param.name} sent`).not.toContain('picker-only-');
		}
		for (const [name, value] of expected) {
			if (!sent.has(name)) {
				expect(everything, `${name} should be sent`).toContain(
					typeof value === 'object' ? JSON.stringify(value) : String(value),
				);
			} else if (name === 'queries') {
				expect(sent.get(name), name).toEqual(expect.arrayContaining(value as unknown[]));
			} else if (typeof value === 'number' && typeof sent.get(name) === 'string') {
				expect(sent.get(name), `${name} (in the query string)`).toBe(String(value));
			} else {
				expect(sent.get(name), name).toEqual(value);
			}
		}
	});
});

/** What each field of an action says of leaving it empty, by field name, as the node's current version prints it. */
function emptyNotesOf(service: CatalogService, action: CatalogAction): Map<string, string> {
	const node = nodes.find((entry) => entry.node === service.node);
	const resolved = node?.versions
		.at(-1)
		?.resources.flatMap((resource) => resource.actions)
		.find((entry) => entry.key === actionKey(action));
	return new Map(
		(resolved?.params ?? []).flatMap((param) => {
			const note = emptyNoteOf(param);
			return note ? [[param.name, note] as const] : [];
		}),
	);
}

describe('what a field says of leaving it empty is what happens', () => {
	/** The fields an action runs with empty; those that make it fail are tried one at a time, below. */
	const leftEmpty = (service: CatalogService, action: CatalogAction) =>
		new Map(
			[...emptyNotesOf(service, action)].filter(([, note]) => note !== EMPTY_NOTES.valueOrNull),
		);
	const withNotes = actions.filter(([, service, action]) => leftEmpty(service, action).size > 0);

	it.each(withNotes)('%s', async (_, service, action, choice) => {
		const spec = actionSpec(service, action, sdk);
		const notes = leftEmpty(service, action);
		const defaults = Object.fromEntries(action.params.map((param) => [param.name, param.default]));
		const parameters = fillParameters(
			spec,
			{ resource: action.resource, operation: action.operation, returnAll: false, limit: 5 },
			(param, index) => {
				if (action.params.find((entry) => entry.name === param.name)?.selector) return choice;
				return notes.has(param.name) ? '' : distinctValue(param, index, defaults).input;
			},
		);
		const { result, sent } = await runAction(service, spec, parameters);
		expect(result.error?.message).toBeUndefined();
		const path = stub.requests.map((request) => decodeURIComponent(request.path)).join(' ');
		for (const param of spec.params) {
			if (param.showWhen && !param.showWhen.in.includes(String(choice))) continue;
			const note = notes.get(param.name);
			if (note === EMPTY_NOTES.notSent) expect(sent.has(param.name), param.name).toBe(false);
			if (note === EMPTY_NOTES.emptyList)
				expect(sent.get(param.name) ?? [], param.name).toEqual([]);
			if (note === EMPTY_NOTES.generated) {
				const id = sent.get(param.name) ?? new RegExp(`/(${APPWRITE_ID_PATTERN})`).exec(path)?.[1];
				expect(id, param.name).toMatch(new RegExp(`^${APPWRITE_ID_PATTERN}$`));
			}
		}
	});

	const valueOrNull = actions.flatMap(([title, service, action, choice]) =>
		[...emptyNotesOf(service, action)]
			.filter(([, note]) => note === EMPTY_NOTES.valueOrNull)
			.map(([name]) => [`${title}: ${name}`, service, action, choice, name] as const),
	);

	it.each(valueOrNull)(
		'%s, which Appwrite needs a value or null for, stops before any request when empty',
		async (_, service, action, choice, name) => {
			const spec = actionSpec(service, action, sdk);
			const defaults = Object.fromEntries(
				action.params.map((param) => [param.name, param.default]),
			);
			const parameters = fillParameters(
				spec,
				{ resource: action.resource, operation: action.operation },
				(param, index) => {
					if (action.params.find((entry) => entry.name === param.name)?.selector) return choice;
					return param.name === name ? '' : distinctValue(param, index, defaults).input;
				},
			);
			const { result } = await runAction(service, spec, parameters);
			const label = spec.params.find((param) => param.name === name)?.label;
			expect(result.error?.message).toBe(
				`The field "${label}" is empty: Appwrite needs a value, or null with "${label} (Set to Null)" turned on [item 0]`,
			);
			expect(stub.requests).toEqual([]);
		},
	);
});
