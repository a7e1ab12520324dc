/**
 * Golden tests, one tiny catalog per generator feature (tests/codegen/golden/<feature>/catalog),
 * each with the modules it must generate (expected/), byte for byte. After a deliberate change to
 * the generator, `UPDATE_GOLDEN=1 npx vitest run tests/codegen/golden.test.ts` rewrites them for
 * review in the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { FORMAT_MANIFEST } from '../../codegen/format';
import { useFixture } from './support';

const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const fixture = useFixture();

function filesIn(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) =>
			path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
		)
		.sort();
}

/** What one feature's catalog generates, keyed by path under expected/, with the temporary folder's name taken out. */
function generated(feature: string): Map<string, string> {
	const catalog = fixture.catalog(`golden-${feature}`);
	for (const file of filesIn(path.join(GOLDEN, feature, 'catalog'))) {
		catalog.write(file, readFileSync(path.join(GOLDEN, feature, 'catalog', file), 'utf8'));
	}
	// As deep in the repository as expected/, so the modules import the runtime by the same path.
	const { outDir, files } = catalog.generate(
		fixture.sdk,
		`${catalog.dir}/golden/${feature}/expected`,
	);
	const result = new Map<string, string>();
	for (const [file, text] of files) {
		if (file.endsWith('.svg') || file.endsWith(FORMAT_MANIFEST)) continue;
		const name = file.startsWith(catalog.surfaceDir)
			? `surface/${path.basename(file)}`
			: path.relative(outDir, file);
		result.set(name, text.replaceAll(`${catalog.dir}/`, ''));
	}
	return result;
}

const features = readdirSync(GOLDEN).sort();

describe('golden tests: each generator feature generates the expected modules', () => {
	it('has a case per feature', () => {
		expect(features).toEqual([
			'binary',
			'kinds',
			'layout',
			'lists',
			'nullable-integer',
			'picker-only',
			'pickers',
			'selectors',
			'steps',
			'versions',
		]);
	});

	it.each(features)('%s', (feature) => {
		const expectedDir = path.join(GOLDEN, feature, 'expected');
		const actual = generated(feature);
		if (UPDATE) {
			rmSync(expectedDir, { recursive: true, force: true });
			for (const [file, text] of actual) {
				mkdirSync(path.dirname(path.join(expectedDir, file)), { recursive: true });
				writeFileSync(path.join(expectedDir, file), text);
			}
		}
		expect([...actual.keys()].sort()).toEqual(filesIn(expectedDir));
		for (const [file, text] of actual) {
			expect(text, `${feature}/expected/${file}`).toBe(
				readFileSync(path.join(expectedDir, file), 'utf8'),
			);
		}
	});
});
