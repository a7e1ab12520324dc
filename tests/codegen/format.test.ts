/**
 * Generated code is formatted by prettier with n8n's settings; the manifest beside it lets an
 * unchanged file be taken as committed, and a hand-edited one is formatted over.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

import { ROOT } from '../../codegen/catalog';
import { FORMAT_MANIFEST } from '../../codegen/format';
import { TEAM_GET, TEAMS, useFixture } from './support';

const fixture = useFixture();

describe('formatting', () => {
	it("is prettier's, with n8n's settings, and a hand edit is formatted over while the rest is reused", async () => {
		const catalog = fixture.catalog('format');
		catalog.write('teams.yaml', `${TEAMS}actions:${TEAM_GET}`);
		const outDir = `${catalog.dir}/nodes`;
		const first = catalog.generate(fixture.sdk, outDir).files;
		const module = `${outDir}/nodes/AppwriteTeams/resources/team.ts`;
		const options = {
			...(await prettier.resolveConfig(path.join(ROOT, module))),
			filepath: module,
		};
		for (const [file, text] of first) {
			if (/\.(ts|json)$/.test(file) && !file.endsWith(FORMAT_MANIFEST)) {
				expect(await prettier.format(text, { ...options, filepath: file }), file).toBe(text);
			}
		}

		const manifest = JSON.parse(first.get(`${outDir}/${FORMAT_MANIFEST}`) as string);
		expect(manifest[module]).toEqual({
			source: expect.stringMatching(/^[0-9a-f]{16}$/),
			output: expect.stringMatching(/^[0-9a-f]{16}$/),
		});

		writeFileSync(path.join(ROOT, module), `${first.get(module)}// a hand edit\n`);
		const second = catalog.generate(fixture.sdk, outDir).files;
		expect(second).toEqual(first);
		expect(readFileSync(path.join(ROOT, module), 'utf8')).toBe(first.get(module));
	});
});
