/**
 * Descriptions in n8n's style: the generator refuses catalog text that breaks it, and every
 * description and hint the package shows (generated nodes, hand-written nodes, credentials and the
 * shared fields they print) follows it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { CatalogError, ROOT } from '../../codegen/catalog';
import { checkCatalog } from '../../codegen/check';
import { SdkDeclarations } from '../../codegen/sdk';
import { joinSentences, styleProblems, toN8nStyle } from '../../codegen/text';

describe("n8n's description style", () => {
	it('takes one sentence without a final period, several with one', () => {
		expect(styleProblems('ID of the user')).toEqual([]);
		expect(styleProblems('ID of the user.')).toEqual([
			'is one sentence, which n8n writes without a final period',
		]);
		expect(styleProblems('Filters and sorting. You may filter on: name, email.')).toEqual([]);
		expect(styleProblems('Filters and sorting. You may filter on: name, email')).toEqual([
			'has several sentences, so it needs a final period',
		]);
		expect(styleProblems('Roles, e.g. owner or editor')).toEqual([]);
	});

	it("refuses what n8n's lint would miscount, miscased words, and a switch not starting with Whether", () => {
		expect(styleProblems('Seconds until it expires (default 900, i.e. 15 minutes)')).toEqual([
			"uses i.e., which n8n's lint takes for the end of a sentence; reword it",
		]);
		expect(styleProblems('Sizes, e.g. 1 or 2, and names, e.g. a or b')).toEqual([
			"uses e.g. twice, which n8n's lint takes for the end of a sentence; reword it",
		]);
		expect(styleProblems('the id and url of the json')).toEqual([
			'starts with a lower-case letter',
			'writes id where n8n writes ID',
			'writes url where n8n writes URL',
			'writes json where n8n writes JSON',
		]);
		expect(styleProblems(' Comma separated  names<br>')).toEqual([
			'has spaces around it',
			'has doubled spaces or a line break',
			'writes "comma separated" without its hyphen',
			'has an HTML line break',
		]);
		expect(styleProblems('Enable the user', { boolean: true })).toEqual([
			'describes a switch, so it starts with "Whether"',
		]);
		expect(styleProblems('')).toEqual(['is empty']);
	});

	it('joins a description and the notes a kind adds into sentences', () => {
		expect(joinSentences('ID of the user')).toBe('ID of the user');
		expect(joinSentences('Labels', 'A comma-separated list.')).toBe(
			'Labels. A comma-separated list.',
		);
		expect(joinSentences('Create a row', undefined)).toBe('Create a row');
	});

	it('drafts SDK text in the style where that is mechanical (catalog:scaffold)', () => {
		expect(toN8nStyle('the webhook id.')).toBe('The webhook ID');
		expect(toN8nStyle('Webhook name. Max length: 128 chars')).toBe(
			'Webhook name. Max length: 128 chars.',
		);
		expect(toN8nStyle('Seconds (i.e. at most 60).')).toBe('Seconds (that is at most 60)');
	});

	it('is enforced by the generator on every catalog text, naming where', () => {
		let problems: string[] = [];
		try {
			checkCatalog(
				[
					{
						file: 'spec/catalog/test.yaml',
						service: 'Users',
						node: 'AppwriteUsers',
						displayName: 'Appwrite Users',
						description: 'Users of a project.',
						icon: 'users',
						docs: 'https://appwrite.io/docs',
						resources: [{ value: 'user', name: 'User', description: 'a user' }],
						actions: [
							{
								resource: 'user',
								operation: 'get',
								name: 'Get',
								action: 'Get a user',
								description: 'Get a user. By ID',
								method: 'get',
								output: 'object',
								params: [
									{ name: 'userId', kind: 'string', required: true, description: 'User id' },
								],
							},
						],
					},
				],
				new SdkDeclarations(),
			);
		} catch (error) {
			if (!(error instanceof CatalogError)) throw error;
			problems = error.problems;
		}
		expect(problems).toEqual([
			"spec/catalog/test.yaml: the node description is one sentence, which n8n writes without a final period (n8n's style)",
			'spec/catalog/test.yaml: resource "user": description starts with a lower-case letter (n8n\'s style)',
			"spec/catalog/test.yaml: action user.get: description has several sentences, so it needs a final period (n8n's style)",
			'spec/catalog/test.yaml: action user.get: parameter "userId": description writes id where n8n writes ID (n8n\'s style)',
		]);
	});
});

type Described = Partial<INodeProperties & INodePropertyOptions & INodePropertyCollection>;

/** Every description and hint in a list of n8n properties, options and collections, with where it is. */
function textsIn(entries: Described[], where: string): Array<[string, string, boolean]> {
	return entries.flatMap((entry) => {
		const at = `${where} > ${entry.displayName ?? entry.name}`;
		const own: Array<[string, string, boolean]> = [];
		if (typeof entry.description === 'string')
			own.push([at, entry.description, entry.type === 'boolean']);
		if (typeof entry.hint === 'string') own.push([`${at} (hint)`, entry.hint, false]);
		const nested = [entry.options, entry.values].filter(Array.isArray) as Described[][];
		return [...own, ...nested.flatMap((list) => textsIn(list, at))];
	});
}

/** The node and credential classes the package ships, from their sources. */
async function shippedDescriptions(): Promise<Array<[string, string, boolean]>> {
	const files = [
		...['generated/nodes', 'nodes'].flatMap((dir) =>
			readdirSync(path.join(ROOT, dir)).map((name) => `${dir}/${name}/${name}.node.ts`),
		),
		...readdirSync(path.join(ROOT, 'credentials'))
			.filter((name) => name.endsWith('.credentials.ts'))
			.map((name) => `credentials/${name}`),
	];
	const texts: Array<[string, string, boolean]> = [];
	for (const file of files) {
		const module = (await import(path.join(ROOT, file))) as Record<string, new () => object>;
		for (const Class of Object.values(module)) {
			const instance = new Class() as { description?: { properties: Described[] } } & {
				properties?: Described[];
			};
			texts.push(...textsIn(instance.description?.properties ?? instance.properties ?? [], file));
		}
	}
	return texts;
}

describe('what the package shows', () => {
	it('has every description and hint in n8n style', async () => {
		const texts = await shippedDescriptions();
		expect(texts.length).toBeGreaterThan(2000);
		const broken = texts.flatMap(([where, text, boolean]) =>
			styleProblems(text, { boolean }).map((problem) => `${where}: "${text}" ${problem}`),
		);
		expect(broken).toEqual([]);
	});
});
