/**
 * A maintainer's path for a new service, in a temporary copy of the catalog: catalog:scaffold
 * drafts it, the generator refuses the drafts with a clean list, and once `draft: true` is
 * removed it generates as drafted (icon, names, kinds) and runs through n8n's engine. Every refusal
 * is a list of problems naming file and action, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { CATALOG_DIR, CatalogError, ROOT } from '../../codegen/catalog';
import { scaffold } from '../../codegen/scaffold';
import type { TempCatalog } from './support';
import { useFixture } from './support';

const fixture = useFixture();

/** A temporary copy of the shipped catalog, as it was before Webhooks was catalogued. */
function catalogCopy(name: string): TempCatalog {
	const catalog = fixture.catalog(name);
	for (const file of readdirSync(CATALOG_DIR).filter((entry) => entry !== 'webhooks.yaml')) {
		copyFileSync(path.join(CATALOG_DIR, file), path.join(ROOT, catalog.catalogDir, file));
	}
	return catalog;
}

/** A command-line tool as a maintainer runs it. */
function run(script: string, ...args: string[]) {
	const result = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script, ...args],
		{
			cwd: ROOT,
			encoding: 'utf8',
		},
	);
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STACK_FRAME = /^\s+at .+[:(]/m;

/** These tests start the command-line tools as separate processes. */
const SLOW = 120_000;

describe('a new service, from catalog:scaffold to a working node', () => {
	it(
		'drafts it, refuses the drafts cleanly, then generates it as drafted and runs it',
		async () => {
			const catalog = catalogCopy('scaffold');
			const drafted = scaffold(fixture.sdk, 'Webhooks', [], path.join(ROOT, catalog.catalogDir));
			expect(drafted).toEqual({
				file: `${catalog.catalogDir}/webhooks.yaml`,
				drafted: ['list', 'create', 'get', 'update', 'delete', 'updateSecret'],
			});

			const refused = run('codegen/generate.ts', '--check', '--catalog', catalog.catalogDir);
			expect(refused.status).toBe(1);
			expect(refused.stderr).not.toMatch(STACK_FRAME);
			expect(refused.stderr.split('\n')).toEqual([
				'Generation refused.',
				'The catalog has 6 problem(s):',
				...drafted.drafted.map(
					(operation) =>
						`  - ${drafted.file}: action webhooks.${operation}: is a draft from catalog:scaffold; review it, then remove "draft: true"`,
				),
				'',
			]);

			// Reviewed: nothing changed but the draft marks.
			catalog.write(
				'webhooks.yaml',
				catalog.read('webhooks.yaml').replace(/^ *draft: true\n/gm, ''),
			);
			for (const file of readdirSync(path.join(ROOT, catalog.catalogDir))) {
				if (file !== 'webhooks.yaml') rmSync(path.join(ROOT, catalog.catalogDir, file));
			}
			const { outDir, files } = catalog.generate(fixture.sdk);
			expect(
				[...files.keys()].filter((file) => file.startsWith(`${outDir}/nodes/`)).sort(),
			).toEqual(
				[
					'AppwriteWebhooks.node.json',
					'AppwriteWebhooks.node.ts',
					'appwriteWebhooks.dark.svg',
					'appwriteWebhooks.svg',
					'resources/webhooks.ts',
				].map((file) => `${outDir}/nodes/AppwriteWebhooks/${file}`),
			);
			const node = await catalog.load(outDir, 'AppwriteWebhooks');
			expect(node.description.displayName).toBe('Appwrite Webhooks');

			fixture.stub.reset();
			fixture.stub.on('GET', '/v1/webhooks/hook-1', { json: { $id: 'hook-1', name: 'Orders' } });
			const result = await fixture.run(node, {
				resource: 'webhooks',
				operation: 'get',
				webhookId: 'hook-1',
			});
			expect(result.output()).toEqual([
				{ json: { $id: 'hook-1', name: 'Orders' }, pairedItem: { item: 0 } },
			]);
		},
		SLOW,
	);

	it(
		'lists every problem of a mistaken service, naming file and action, and prints no stack trace',
		() => {
			const catalog = catalogCopy('mistakes');
			const file = `${catalog.catalogDir}/webhooks.yaml`;
			catalog.write(
				'webhooks.yaml',
				`service: Webhooks
node: AppwriteWebhooks
displayName: Appwrite Webhooks
description: Webhooks with mistakes in them
icon: hooks
docs: https://appwrite.io/docs
resources: [{ value: webhook, name: Webhook }]
actions:
  - resource: webhook
    operation: get
    name: Get
    action: Get a webhook
    description: Get a webhook
    method: get
    output: object
    params:
      - { name: webhookID, kind: string, required: true, description: ID }
  - resource: webhook
    operation: delete
    name: Delete
    action: Delete a webhook
    description: Delete a webhook
    method: remove
    output: delete
    params:
      - { name: webhookId, kind: number, default: 0, required: true, description: ID }
`,
			);
			const problems = [
				`${file}: icon "hooks" has no glyph (known: users, messaging, storage, databases, functions, avatars, tokens, locale, teams, health, graphql, sites, tables, webhooks, generic)`,
				`${file}: action webhook.get: Webhooks.get requires "webhookId", which the entry does not declare`,
				`${file}: action webhook.get: parameter "webhookID" is not a parameter of Webhooks.get (it declares: webhookId)`,
				`${file}: action webhook.delete: node-appwrite ${fixture.sdk.version} has no method Webhooks.remove`,
			];
			expect(() => catalog.generate(fixture.sdk)).toThrow(CatalogError);
			expect(catalog.problems(fixture.sdk).filter((problem) => problem.startsWith(file))).toEqual(
				problems,
			);

			for (const [script, ...args] of [
				['codegen/generate.ts', '--check', '--catalog', catalog.catalogDir],
				['codegen/check-files.ts', file],
			]) {
				const refused = run(script, ...args);
				expect(refused.status, script).toBe(1);
				expect(refused.stderr, script).not.toMatch(STACK_FRAME);
				for (const problem of problems) expect(refused.stderr, script).toContain(`  - ${problem}`);
			}
			const unknown = run('codegen/scaffold.ts', 'Hooks');
			expect(unknown).toEqual({
				status: 2,
				stdout: '',
				stderr: `node-appwrite ${fixture.sdk.version} has no service Hooks\n`,
			});
		},
		SLOW,
	);
});
