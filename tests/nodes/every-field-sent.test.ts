/**
 * For every action in the catalog: fill every field the node shows with a distinct value, run it,
 * and check that each value reached Appwrite under its own SDK name — so no field is shown and
 * never sent, none is sent under another's name (the old argument-order bugs), booleans can be
 * false, lists arrive as arrays, JSON as objects, options as API values — and nothing is printed.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { CatalogAction } from '../../codegen/catalog';
import { actionKey, loadCatalog } from '../../codegen/catalog';
import { actionSpec } from '../../codegen/model';
import { SdkDeclarations } from '../../codegen/sdk';
import type { ActionSpec, ParamSpec } from '../../src/types';
import { binaryItem, runNode } from '../support/engine';
import { fillParameters } from '../support/samples';
import type { RecordedRequest } from '../support/stub-server';
import { StubServer } from '../support/stub-server';

let stub: StubServer;
let sdk: SdkDeclarations;
const catalog = loadCatalog();

beforeAll(async () => {
	stub = await StubServer.start();
	sdk = new SdkDeclarations();
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
			credentials: {
				appwriteApi: {
					endpoint: stub.endpoint,
					projectId: 'p',
					apiKey: 'secret-key',
					selfSigned: false,
				},
			},
			items,
		});
		for (const spy of print) {
			expect(spy).not.toHaveBeenCalled();
			spy.mockRestore();
		}
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');

		const sent = carried(stub.requests);
		// Path parameters, and the few the SDK renames on the wire (xpath is sent as "path").
		const everything = stub.requests
			.map((request) => `${decodeURIComponent(request.path)} ${request.body.toString()}`)
			.join(' ');
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
