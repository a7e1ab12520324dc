import { readFileSync } from 'node:fs';
import path from 'node:path';

import Handlebars from 'handlebars';

import type { CatalogService } from './catalog';
import { GLYPHS, THEMES } from './icons';
import { literal } from './literal';
import type { NodeModel } from './model';
import { buildNodeModel } from './model';
import type { SdkDeclarations } from './sdk';

const templates = Handlebars.create();
templates.registerHelper('literal', (value: unknown, depth: unknown, prefix: unknown) =>
	literal(value, typeof depth === 'number' ? depth : 0, typeof prefix === 'number' ? prefix : 0),
);
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

export function nodeDirectory(model: Pick<NodeModel, 'className'>): string {
	return `${GENERATED_DIR}/nodes/${model.className}`;
}

/** Renders every file of one node, keyed by its path relative to the repository root. */
export function renderNode(service: CatalogService, sdk: SdkDeclarations): Map<string, string> {
	const model = buildNodeModel(service, sdk);
	const dir = nodeDirectory(model);
	const files = new Map<string, string>();
	files.set(`${dir}/${model.className}.node.ts`, nodeTemplate({ model }));
	files.set(`${dir}/${model.className}.node.json`, codexTemplate({ model }));
	for (const resource of model.resources) {
		files.set(`${dir}/resources/${resource.module}.ts`, resourceTemplate({ model, resource }));
	}
	const glyph = GLYPHS[model.icon];
	if (!glyph) throw new Error(`${service.file}: no icon glyph named "${model.icon}" (known: ${Object.keys(GLYPHS).join(', ')})`);
	files.set(`${dir}/${model.nodeName}.svg`, iconTemplate({ glyph, ...THEMES.light }));
	files.set(`${dir}/${model.nodeName}.dark.svg`, iconTemplate({ glyph, ...THEMES.dark }));
	return files;
}

/** The built node files n8n loads, for package.json's `n8n.nodes`. */
export function builtNodePath(service: CatalogService): string {
	return `dist/${nodeDirectory({ className: service.node })}/${service.node}.node.js`;
}
