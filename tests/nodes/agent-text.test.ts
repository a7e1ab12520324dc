/**
 * What an AI agent (and the person wiring it) reads when a node is a tool: the tool's description,
 * which n8n makes from the chosen operation, and each field's description, which a `$fromAI()`
 * description is written from. Checked on the built package as n8n loads it.
 */
import type { INode, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { beforeAll, describe, expect, it } from 'vitest';

import { actionKey, loadCatalog } from '../../codegen/catalog';
import { EMPTY_NOTES } from '../../codegen/describe';
import { loadPackage } from '../support/engine';

interface ActionFields {
	node: string;
	resource: string;
	operation: string;
	action: string;
	fields: INodeProperties[];
}

let descriptions: INodeTypeDescription[];

beforeAll(async () => {
	const loader = await loadPackage();
	descriptions = Object.keys(loader.known.nodes)
		.filter((name) => !/Trigger$/.test(name))
		.map((name) => NodeHelpers.getVersionedNodeType(loader.getNode(name).type).description);
});

function shownFor(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show ?? {};
	return (
		(show.resource ?? [resource]).includes(resource) &&
		(show.operation ?? [operation]).includes(operation)
	);
}

/** Every action of every node (its current version), with the fields the editor shows for it. */
function actionsOf(description: INodeTypeDescription): ActionFields[] {
	const operations = description.properties.filter((property) => property.name === 'operation');
	return operations.flatMap((property) =>
		(property.options ?? []).map((option) => {
			const resource = String(property.displayOptions?.show?.resource?.[0]);
			const operation = String((option as { value: string }).value);
			const fields = description.properties
				.filter((field) => !['resource', 'operation'].includes(field.name))
				.filter((field) => shownFor(field, resource, operation))
				.flatMap((field) =>
					field.type === 'collection' ? [field, ...(field.options as INodeProperties[])] : [field],
				);
			return {
				node: description.displayName,
				resource,
				operation,
				action: String((option as { action: string }).action),
				fields,
			};
		}),
	);
}

describe('tool descriptions', () => {
	it('name the action and the node, and differ between the actions of a node', () => {
		let count = 0;
		for (const description of descriptions) {
			const seen = new Map<string, string>();
			for (const { resource, operation, action } of actionsOf(description)) {
				const node = {
					parameters: { descriptionType: 'auto', resource, operation },
				} as unknown as INode;
				const text = NodeHelpers.getToolDescriptionForNode(node, { description } as never);
				expect(text, `${description.displayName} ${resource}.${operation}`).toBe(
					`${action} in ${description.defaults.name}`,
				);
				expect(seen.get(text), `${text} (also ${seen.get(text)})`).toBeUndefined();
				seen.set(text, `${resource}.${operation}`);
				count++;
			}
		}
		expect(count).toBeGreaterThanOrEqual(319);
	});
});

describe('field descriptions an agent can act on', () => {
	const everyField = () =>
		descriptions.flatMap(actionsOf).flatMap((action) =>
			action.fields.map((field) => ({
				...action,
				field,
				at: `${action.node} ${action.resource}.${action.operation} "${field.displayName}"`,
			})),
		);

	it('every field an expression or an agent can fill says what it is', () => {
		for (const { field, at } of everyField()) {
			if (field.noDataExpression || ['collection', 'resourceMapper'].includes(field.type)) continue;
			expect(field.description?.length ?? 0, at).toBeGreaterThan(10);
		}
	});

	it('an ID field naming an existing object says which, and how it may be given', () => {
		const locators = everyField().filter(({ field }) => field.type === 'resourceLocator');
		expect(locators.length).toBeGreaterThan(400);
		for (const { field, at } of locators) {
			expect(field.description, at).toMatch(/\bID\b/);
			expect(field.description, at).toContain('By ID takes the ID itself (up to 36 characters');
		}
		const says = (name: string) =>
			new Set(
				locators
					.filter(({ field }) => field.name === name)
					.map(
						({ field }) =>
							/From List shows the ([a-z ]+) to pick from/.exec(field.description ?? '')?.[1],
					),
			);
		expect(says('identityId')).toEqual(new Set(['identities']));
		expect(says('key')).toContain('indexes');
	});

	it('a new ID says that empty generates one', () => {
		const newIds = everyField().filter(({ field }) => field.hint?.includes('unique ID'));
		expect(newIds.length).toBeGreaterThanOrEqual(34);
		for (const { field, at } of newIds)
			expect(field.description, at).toContain(EMPTY_NOTES.generated);
	});

	it('an optional text, list, JSON or date field says what leaving it empty does', () => {
		const optional = everyField().filter(
			({ field }) =>
				!field.required &&
				['string', 'json', 'dateTime', 'color'].includes(field.type) &&
				!field.hint?.includes('unique ID') &&
				!['data', 'binaryPropertyName'].includes(String(field.default)),
		);
		expect(optional.length).toBeGreaterThan(400);
		for (const { field, at } of optional) {
			expect(
				[EMPTY_NOTES.notSent, EMPTY_NOTES.emptyList, EMPTY_NOTES.valueOrNull].some((note) =>
					field.description?.includes(note),
				),
				`${at}: ${field.description}`,
			).toBe(true);
		}
	});

	it('a picker-only field says that it only helps pick another object and is not sent', () => {
		const pickerOnly = new Set(
			loadCatalog().flatMap((service) =>
				service.actions.flatMap((action) =>
					action.params
						.filter((param) => param.pickerOnly)
						.map((param) => `${service.displayName} ${actionKey(action)} ${param.name}`),
				),
			),
		);
		const fields = everyField().filter(({ node, resource, operation, field }) =>
			pickerOnly.has(`${node} ${resource}.${operation} ${field.name}`),
		);
		expect(fields).toHaveLength(pickerOnly.size);
		expect(fields.length).toBeGreaterThanOrEqual(8);
		for (const { field, at } of fields) {
			expect(field.required, at).toBeFalsy();
			expect(field.description, at).toMatch(
				/Only helps pick the [a-z ]+ From List; it is not sent to Appwrite\./,
			);
			expect(field.description, at).not.toContain('Left empty');
		}
	});

	it('a choice lists the values an expression or an agent may give', () => {
		const choices = everyField().filter(
			({ field }) => ['options', 'multiOptions'].includes(field.type) && !field.noDataExpression,
		);
		expect(choices.length).toBeGreaterThan(50);
		for (const { field, at } of choices) {
			const values = (field.options ?? []).map((option) =>
				String((option as { value: unknown }).value),
			);
			if (values.length > 20)
				expect(field.description, at).toContain(`one of the ${values.length} in the list`);
			else for (const value of values) expect(field.description, at).toContain(value);
		}
	});
});
