/**
 * Contract tests: every catalog action (the 94 seed actions among them) runs through its generated node, in n8n's engine, with the real
 * node-appwrite SDK, against Appwrite's official 1.8.x spec served by Prism. A request the spec
 * rejects fails the action (Prism answers 4xx); the items must match the action's output kind.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { beforeAll, describe, expect, inject, it } from 'vitest';

import type { CatalogAction, CatalogService } from '../../codegen/catalog';
import { actionKey, loadCatalog, stepsOf } from '../../codegen/catalog';
import { actionSpec } from '../../codegen/model';
import { readSpec } from '../../codegen/openapi';
import { VENDORED_SPEC } from '../../codegen/diff';
import { SdkDeclarations } from '../../codegen/sdk';
import type { ActionSpec } from '../../src/types';
import { appwriteCredentials, binaryBuffer, binaryItem, runNode } from '../support/engine';
import { fillParameters, sampleValue } from '../support/samples';
import { STANDIN_BINARY } from '../support/standin-spec';
import { SEED_ACTIONS } from '../fixtures/seed-actions';

const catalog = loadCatalog();
let sdk: SdkDeclarations;

beforeAll(() => {
	sdk = new SdkDeclarations();
});

function find(
	node: string,
	resource: string,
	operation: string,
): { service: CatalogService; action: CatalogAction } {
	const service = catalog.find((entry) => entry.node === node);
	const action = service?.actions.find((entry) => actionKey(entry) === `${resource}.${operation}`);
	if (!service || !action) throw new Error(`${node} has no ${resource}.${operation}`);
	return { service, action };
}

/** Every field the action shows, filled with a sample; optional ones go under Additional Fields. */
function parametersFor(
	action: CatalogAction,
	spec: ActionSpec,
	selectorValue?: string,
): Record<string, unknown> {
	const defaults = Object.fromEntries(action.params.map((param) => [param.name, param.default]));
	const placeholders = Object.fromEntries(
		action.params.map((param) => [param.name, param.placeholder]),
	);
	const selectors = new Set(
		action.params.filter((param) => param.selector).map((param) => param.name),
	);
	return fillParameters(
		spec,
		{ resource: action.resource, operation: action.operation, returnAll: true },
		(param) =>
			selectors.has(param.name) && selectorValue !== undefined
				? selectorValue
				: sampleValue(param, defaults, placeholders),
	);
}

function inputItems(spec: ActionSpec): INodeExecutionData[] {
	return spec.params.some((param) => param.kind === 'binary')
		? [binaryItem(Buffer.from('%PDF-1.4 contract test file\n'), 'report.pdf', 'application/pdf')]
		: [{ json: {} }];
}

function checkOutput(spec: ActionSpec, output: INodeExecutionData[]): void {
	switch (spec.output.kind) {
		case 'delete':
			expect(output).toEqual([{ json: { success: true }, pairedItem: { item: 0 } }]);
			return;
		case 'object':
			expect(output).toHaveLength(1);
			expect(output[0].pairedItem).toEqual({ item: 0 });
			expect(Object.keys(output[0].json).length).toBeGreaterThan(0);
			// Columns and indexes carry Appwrite's own "error" (why they failed to build); an error item has no key or $id.
			if (!('key' in output[0].json) && !('$id' in output[0].json))
				expect(output[0].json.error).toBeUndefined();
			return;
		case 'list':
			expect(output.length).toBeGreaterThan(0);
			for (const item of output) {
				expect(item.pairedItem).toEqual({ item: 0 });
				expect(typeof item.json).toBe('object');
				expect(Object.keys(item.json).length).toBeGreaterThan(0);
			}
			return;
		case 'binary': {
			expect(output).toHaveLength(1);
			const binary = output[0].binary?.data;
			expect(binary?.mimeType).toBeTruthy();
			expect(binary?.fileName).toBeTruthy();
			// The stand-in serves an image for avatars and previews, and a text body for stored files.
			const expected =
				spec.output.metadataStep === undefined ? STANDIN_BINARY.image : STANDIN_BINARY.file;
			expect(binaryBuffer(output[0])).toEqual(expected);
		}
	}
}

const endpoint = () => inject('appwriteStandIn').endpoint;

/** Runs an action as a new workflow would: in the current version of its node. */
async function runAction(
	service: CatalogService,
	action: CatalogAction,
	spec: ActionSpec,
	selectorValue?: string,
) {
	const result = await runNode({
		type: service.node.charAt(0).toLowerCase() + service.node.slice(1),
		typeVersion: service.version ?? 1,
		parameters: parametersFor(action, spec, selectorValue),
		credentials: appwriteCredentials(endpoint(), 'test-key'),
		items: inputItems(spec),
	});
	if (result.status !== 'success') {
		const error = result.error as { message?: string; description?: string } | undefined;
		throw new Error(
			`the stand-in rejected the request: ${error?.message} ${error?.description ?? ''}`,
		);
	}
	return result.output();
}

describe('the catalog covers the 94 seed actions', () => {
	it('has all 94, each calling the SDK methods the seed names', () => {
		expect(SEED_ACTIONS).toHaveLength(94);
		for (const seed of SEED_ACTIONS) {
			const { action } = find(seed.node, seed.resource, seed.operation);
			const methods = stepsOf(action).map((step) => step.method);
			expect(methods, `seed #${seed.n} ${seed.action}`).toEqual(
				expect.arrayContaining(seed.methods),
			);
		}
	});
});

const seedNumber = (service: CatalogService, action: CatalogAction) =>
	SEED_ACTIONS.find(
		(seed) =>
			seed.node === service.node && `${seed.resource}.${seed.operation}` === actionKey(action),
	)?.n;

/** Services the vendored 1.8.x spec predates; each is contract-tested against the recording stub instead. */
const NOT_IN_VENDORED_SPEC: Record<string, string> = {
	Webhooks: '/v1/webhooks is an Appwrite 1.9 and Cloud API; see tests/contract/webhooks.test.ts',
};

describe('services the vendored spec does not have', () => {
	it.each(Object.keys(NOT_IN_VENDORED_SPEC))(
		'%s is still absent from it (else contract-test it here)',
		(service) => {
			expect(
				readSpec(VENDORED_SPEC, sdk.serviceNames()).filter((op) => op.service === service),
			).toEqual([]);
		},
	);
});

describe('every catalog action against the spec-driven stand-in', () => {
	for (const [service, reason] of Object.entries(NOT_IN_VENDORED_SPEC))
		it.skip(`${service}: not in the vendored 1.8.x spec (${reason})`);
	const cases = catalog
		.filter((service) => !(service.service in NOT_IN_VENDORED_SPEC))
		.flatMap((service) =>
			service.actions.map((action) => {
				const seed = seedNumber(service, action);
				return [
					`${service.node} ${actionKey(action)}${seed ? ` (seed #${seed})` : ''}`,
					service,
					action,
				] as const;
			}),
		);
	it.each(cases)('%s', async (_, service, action) => {
		const spec = actionSpec(service, action, sdk);
		const selector = action.params.find((param) => param.selector);
		if (!selector) {
			checkOutput(spec, await runAction(service, action, spec));
			return;
		}
		// Generic actions: every choice of the selector must reach its own SDK method and pass the spec.
		for (const option of selector.options ?? []) {
			checkOutput(spec, await runAction(service, action, spec, option.value));
		}
	});
});

describe('the stand-in judges requests by the official spec', () => {
	it('rejects a request the spec forbids, and the node reports it as an Appwrite error', async () => {
		const result = await runNode({
			type: 'appwriteUsers',
			parameters: {
				resource: 'user',
				operation: 'create',
				userId: 'ann',
				additionalFields: { email: 'not-an-email' },
			},
			credentials: appwriteCredentials(endpoint(), 'test-key'),
		});
		expect(result.status).toBe('error');
		expect((result.error as { httpCode?: string }).httpCode).toBe('400');
	});
});
