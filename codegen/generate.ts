import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { CatalogService } from './catalog';
import { CatalogError, loadCatalog, ROOT } from './catalog';
import { checkCatalog } from './check';
import { builtNodePath, GENERATED_DIR, renderNode } from './render';
import { SdkDeclarations } from './sdk';

/** The hand-written nodes (nodes/<Name>/<Name>.node.ts, e.g. the triggers), as built files for package.json. */
export function handWrittenNodePaths(dir = path.join(ROOT, 'nodes')): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, `${entry.name}.node.ts`)))
		.map((entry) => `dist/nodes/${entry.name}/${entry.name}.node.js`);
}

/** Every file the catalog produces, keyed by path relative to the repository root. */
export function generateFiles(services: CatalogService[], sdk: SdkDeclarations, packageJson: string): Map<string, string> {
	checkCatalog(services, sdk);
	const files = new Map<string, string>();
	for (const service of [...services].sort((a, b) => a.node.localeCompare(b.node))) {
		for (const [file, content] of renderNode(service, sdk)) files.set(file, content);
	}
	const manifest = JSON.parse(packageJson);
	manifest.n8n.nodes = [...services.map(builtNodePath), ...handWrittenNodePaths()].sort();
	files.set('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
	return files;
}

function filesUnder(dir: string): string[] {
	if (!existsSync(path.join(ROOT, dir))) return [];
	return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
		.sort();
}

/** Files that differ from what the catalog produces: changed, missing, or no longer produced. */
export function driftOf(files: Map<string, string>): string[] {
	const drift: string[] = [];
	for (const [file, content] of files) {
		const onDisk = existsSync(path.join(ROOT, file)) ? readFileSync(path.join(ROOT, file), 'utf8') : undefined;
		if (onDisk === undefined) drift.push(`missing: ${file}`);
		else if (onDisk !== content) drift.push(`differs: ${file}`);
	}
	for (const file of filesUnder(GENERATED_DIR)) if (!files.has(file)) drift.push(`not produced by the catalog: ${file}`);
	return drift;
}

function main(): number {
	const check = process.argv.includes('--check');
	let files: Map<string, string>;
	try {
		files = generateFiles(loadCatalog(), new SdkDeclarations(), readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	} catch (error) {
		if (!(error instanceof CatalogError)) throw error;
		console.error(`Generation refused.\n${error.message}`);
		return 1;
	}
	const drift = driftOf(files);
	if (check) {
		if (drift.length === 0) {
			console.log(`generated/ matches the catalog (${files.size} files).`);
			return 0;
		}
		console.error(`generated/ does not match the catalog; run \`npm run generate\`:\n${drift.map((line) => `  ${line}`).join('\n')}`);
		return 1;
	}
	for (const file of filesUnder(GENERATED_DIR)) if (!files.has(file)) rmSync(path.join(ROOT, file));
	for (const [file, content] of files) {
		mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
		writeFileSync(path.join(ROOT, file), content);
	}
	console.log(`Generated ${files.size} files (${drift.length} changed).`);
	return 0;
}

if (require.main === module) process.exitCode = main();
