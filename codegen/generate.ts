import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { CatalogService } from './catalog';
import { CatalogError, loadCatalog, ROOT } from './catalog';
import { FORMAT_MANIFEST, Formatter } from './format';
import { buildNodeModel } from './model';
import { HAND_WRITTEN_ICONS } from './icons';
import type { ObjectKind } from './objects';
import { loadObjects } from './objects';
import { builtNodePath, GENERATED_DIR, iconFiles, renderNodes } from './render';
import { resolveCatalog } from './resolve';
import { SdkDeclarations } from './sdk';
import type { NodeSurface } from './versions';
import { guardProblems, SURFACE_DIR } from './versions';

/** The hand-written nodes (nodes/<Name>/<Name>.node.ts, e.g. the triggers), as built files for package.json. */
export function handWrittenNodePaths(dir = path.join(ROOT, 'nodes')): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true })
		.filter(
			(entry) =>
				entry.isDirectory() && existsSync(path.join(dir, entry.name, `${entry.name}.node.ts`)),
		)
		.map((entry) => `dist/nodes/${entry.name}/${entry.name}.node.js`);
}

export interface GenerateOptions {
	/** Where the nodes go, relative to the repository root (tests generate elsewhere). */
	outDir?: string;
	/** Where the committed surface snapshots are, relative to the repository root. */
	surfaceDir?: string;
	/** The object kinds the pickers list (the catalog's _objects.yaml); no pickers without them. */
	objects?: ObjectKind[];
}

function readSurface(file: string): NodeSurface | undefined {
	if (!existsSync(path.join(ROOT, file))) return undefined;
	try {
		return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as NodeSurface;
	} catch (error) {
		throw new CatalogError([
			`${file}: not valid JSON (${(error as Error).message}); restore it from git`,
		]);
	}
}

function filesUnder(dir: string): string[] {
	if (!existsSync(path.join(ROOT, dir))) return [];
	return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) =>
			path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
		)
		.sort();
}

/**
 * Every file the catalog produces, keyed by path relative to the repository root: parse (the
 * catalog), resolve (checked against node-appwrite), guard (against the committed surface), render.
 * Any problem refuses everything, as a CatalogError listing each one.
 */
export function generateFiles(
	services: CatalogService[],
	sdk: SdkDeclarations,
	packageJson: string,
	options: GenerateOptions = {},
): Map<string, string> {
	const { outDir = GENERATED_DIR, surfaceDir = SURFACE_DIR, objects = [] } = options;
	// First: when there is no manifest to reuse, prettier loads in worker threads meanwhile.
	const formatter = new Formatter(`${outDir}/${FORMAT_MANIFEST}`);
	try {
		const models = resolveCatalog(services, sdk, objects)
			.sort((a, b) => a.node.localeCompare(b.node))
			.map(buildNodeModel);
		const problems = models.flatMap((model) =>
			guardProblems(
				model.catalogFile,
				model.className,
				readSurface(`${surfaceDir}/${model.className}.json`),
				model.surface,
			),
		);
		for (const file of filesUnder(surfaceDir)) {
			if (!models.some((model) => `${surfaceDir}/${model.className}.json` === file)) {
				problems.push(
					`${file}: this node was published and is no longer in the catalog, so saved workflows using it would not load; delete the snapshot only to retire the node on purpose`,
				);
			}
		}
		if (problems.length) throw new CatalogError(problems);
		const files = renderNodes(models, formatter, outDir, surfaceDir);
		// The hand-written nodes' and the credentials' icons are drawn the same way, with their own glyph.
		for (const [base, glyph] of Object.entries(HAND_WRITTEN_ICONS))
			for (const [file, svg] of iconFiles(base, glyph)) files.set(file, svg);
		const manifest = JSON.parse(packageJson);
		manifest.n8n.nodes = [
			...models.map((model) => builtNodePath(model.className, outDir)),
			...handWrittenNodePaths(),
		].sort();
		files.set('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
		return files;
	} finally {
		formatter.close();
	}
}
/** Files that differ from what the catalog produces: changed, missing, or no longer produced. */
export function driftOf(
	files: Map<string, string>,
	dirs: string[] = [GENERATED_DIR, SURFACE_DIR],
): string[] {
	const drift: string[] = [];
	for (const [file, content] of files) {
		const onDisk = existsSync(path.join(ROOT, file))
			? readFileSync(path.join(ROOT, file), 'utf8')
			: undefined;
		if (onDisk === undefined) drift.push(`missing: ${file}`);
		else if (onDisk !== content) drift.push(`differs: ${file}`);
	}
	for (const file of dirs.flatMap(filesUnder))
		if (!files.has(file)) drift.push(`not produced by the catalog: ${file}`);
	return drift;
}

/** Writes the files, removing those under `dirs` the catalog no longer produces. */
export function writeFiles(
	files: Map<string, string>,
	dirs: string[] = [GENERATED_DIR, SURFACE_DIR],
): void {
	for (const file of dirs.flatMap(filesUnder)) if (!files.has(file)) rmSync(path.join(ROOT, file));
	for (const [file, content] of files) {
		mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
		writeFileSync(path.join(ROOT, file), content);
	}
}

function main(): number {
	const args = process.argv.slice(2);
	const check = args.includes('--check');
	// Another catalog folder, e.g. a copy to try a change on before making it.
	const catalogDir = args.includes('--catalog')
		? path.resolve(args[args.indexOf('--catalog') + 1])
		: undefined;
	let files: Map<string, string>;
	try {
		files = generateFiles(
			loadCatalog(catalogDir),
			new SdkDeclarations(),
			readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
			{ objects: loadObjects(catalogDir) },
		);
	} catch (error) {
		if (!(error instanceof CatalogError)) throw error;
		console.error(`Generation refused.\n${error.message}`);
		return 1;
	}
	const drift = driftOf(files);
	// Measured from the start of the process, loading included.
	const seconds = `${(performance.now() / 1000).toFixed(1)} s`;
	if (check) {
		if (drift.length === 0) {
			console.log(`generated/ matches the catalog (${files.size} files, ${seconds}).`);
			return 0;
		}
		console.error(
			`generated/ does not match the catalog; run \`npm run generate\`:\n${drift.map((line) => `  ${line}`).join('\n')}`,
		);
		return 1;
	}
	writeFiles(files);
	console.log(`Generated ${files.size} files (${drift.length} changed) in ${seconds}.`);
	return 0;
}

if (require.main === module) process.exitCode = main();
