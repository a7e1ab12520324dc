import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { CatalogError, parseCatalogFile, ROOT } from './catalog';
import { checkCatalog } from './check';
import { SdkDeclarations } from './sdk';

/** `npm run catalog:check -- spec/catalog/teams.yaml`: the generator's checks on some files only, writing nothing. */
function main(): number {
	const files = process.argv.slice(2);
	if (files.length === 0) {
		console.error('usage: npm run catalog:check -- <catalog file> [...]');
		return 2;
	}
	const missing = files.filter((file) => !existsSync(file));
	if (missing.length) {
		console.error(missing.map((file) => `${file}: no such file`).join('\n'));
		return 2;
	}
	try {
		const services = files.map((file) =>
			parseCatalogFile(path.relative(ROOT, path.resolve(file)), readFileSync(file, 'utf8')),
		);
		checkCatalog(services, new SdkDeclarations());
	} catch (error) {
		if (!(error instanceof CatalogError)) throw error;
		console.error(error.message);
		return 1;
	}
	console.log(`${files.join(', ')}: no problems.`);
	return 0;
}

process.exitCode = main();
