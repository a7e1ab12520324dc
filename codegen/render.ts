import { readFileSync } from 'node:fs';
import path from 'node:path';

import Handlebars from 'handlebars';

import { ROOT } from './catalog';
import type { Formatter } from './format';
import { GLYPHS, iconDrawing } from './icons';
import { literal, referencesIn } from './literal';
import type { NodeModel } from './model';
import { SURFACE_DIR } from './versions';

const templates = Handlebars.create();
templates.registerHelper('literal', (value: unknown) => literal(value));
templates.registerHelper('json', (value: unknown) => JSON.stringify(value));

function template(name: string): Handlebars.TemplateDelegate {
	const source = readFileSync(path.join(__dirname, 'templates', name), 'utf8');
	return templates.compile(source, { noEscape: true, strict: true });
}

const nodeTemplate = template('node.ts.hbs');
const resourceTemplate = template('resource.ts.hbs');
const codexTemplate = template('codex.json.hbs');
const iconTemplate = template('icon.svg.hbs');

export const GENERATED_DIR = 'generated';

export function nodeDirectory(className: string, outDir = GENERATED_DIR): string {
	return `${outDir}/nodes/${className}`;
}

/** The runtime's index, as a module path relative to a generated file's folder. */
function runtimeImport(dir: string): string {
	return path.relative(path.join(ROOT, dir), path.join(ROOT, 'src')).split(path.sep).join('/');
}

/**
 * Every file of the given nodes, keyed by path relative to the repository root: the node class,
 * one module per resource, the codex file, the icons, and the snapshot of the node's surface.
 * Code and JSON are formatted with prettier and n8n's settings.
 */
export function renderNodes(
	models: NodeModel[],
	formatter: Formatter,
	outDir = GENERATED_DIR,
	surfaceDir = SURFACE_DIR,
): Map<string, string> {
	const code: Array<[string, string]> = [];
	const files = new Map<string, string>();
	for (const model of models) {
		const dir = nodeDirectory(model.className, outDir);
		code.push([
			`${dir}/${model.className}.node.ts`,
			nodeTemplate({ model, runtime: runtimeImport(dir) }),
		]);
		code.push([`${dir}/${model.className}.node.json`, codexTemplate({ model })]);
		for (const resource of model.resources) {
			const references = [
				...referencesIn([resource.operations, resource.fields, resource.actions]),
			].sort();
			code.push([
				`${dir}/resources/${resource.module}.ts`,
				resourceTemplate({
					model,
					resource,
					references,
					runtime: runtimeImport(`${dir}/resources`),
				}),
			]);
		}
		for (const [file, svg] of iconFiles(`${dir}/${model.nodeName}`, GLYPHS[model.icon]))
			files.set(file, svg);
		// Prettier keeps what fits on a line, one parameter each: the snapshot reads well in a diff.
		code.push([`${surfaceDir}/${model.className}.json`, JSON.stringify(model.surface)]);
	}
	for (const [file, text] of formatter.format(code)) files.set(file, text);
	return files;
}

/** A node's icons for n8n's light and dark themes, at `base` (the path without `.svg`). */
export function iconFiles(base: string, glyph: string): Array<[string, string]> {
	return [
		[`${base}.svg`, iconTemplate(iconDrawing(glyph, 'light'))],
		[`${base}.dark.svg`, iconTemplate(iconDrawing(glyph, 'dark'))],
	];
}

/** The built node files n8n loads, for package.json's `n8n.nodes`. */
export function builtNodePath(className: string, outDir = GENERATED_DIR): string {
	return `dist/${nodeDirectory(className, outDir)}/${className}.node.js`;
}
