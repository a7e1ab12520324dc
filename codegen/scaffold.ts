import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { stringify } from 'yaml';

import type { CatalogAction, CatalogOutput, CatalogParam, CatalogService } from './catalog';
import { CATALOG_DIR, CatalogError, parseCatalogFile, ROOT, stepsOf } from './catalog';
import { GENERIC_GLYPH, GLYPHS } from './icons';
import { scaffoldKind } from './kinds';
import type { SdkMethod, SdkParam } from './sdk';
import { SdkDeclarations } from './sdk';
import { humanize, lowerFirst, toN8nStyle } from './text';

/** Markdown from the SDK's doc comments, as plain text for n8n descriptions. */
function plain(text: string): string {
	return text
		.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
		.replace(/`/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

function draftParam(method: SdkMethod, param: SdkParam): CatalogParam {
	const kind = scaffoldKind(param, method);
	const draft: CatalogParam = {
		name: param.name,
		kind,
		description: toN8nStyle(
			kind === 'boolean' && !/^whether\b/i.test(plain(param.description))
				? `Whether ${humanize(param.name)} is on. ${plain(param.description)}`
				: plain(param.description) || humanize(param.name),
		),
	};
	if (param.required) draft.required = true;
	if (kind === 'number')
		draft.default = Number(/Defaults? to (-?\d+)/i.exec(param.description)?.[1] ?? 0);
	if (param.enumValues) {
		draft.options = param.enumValues.map((value, index) => ({
			name: humanize(param.enumKeys?.[index] ?? value),
			value,
		}));
	}
	if (/password|secret|apiKey|authKey|authToken/i.test(param.name)) draft.secret = true;
	return draft;
}

function outputOf(method: SdkMethod): CatalogOutput {
	if (method.returnsBinary)
		return { kind: 'binary', fileName: method.name.replace(/^get/, '').toLowerCase() };
	const key = method.resultProperties.find((name) => name !== 'total');
	if (method.resultProperties.includes('total') && key && method.resultProperties.length === 2) {
		const pages = method.params.some((param) => param.name === 'queries');
		return {
			kind: 'list',
			key,
			pagination: pages ? (key === 'logs' ? 'offset' : 'cursor') : 'none',
		};
	}
	return method.name.startsWith('delete') && method.resultProperties.length === 0
		? 'delete'
		: 'object';
}

/** A draft catalog entry for one SDK method, marked so the generator refuses it until reviewed. */
export function draftAction(method: SdkMethod, resource: string): CatalogAction {
	const name = humanize(method.name);
	return {
		resource,
		operation: method.name,
		name,
		action: name.charAt(0) + name.slice(1).toLowerCase(),
		description: toN8nStyle(plain(method.description).split('. ')[0] || name),
		method: method.name,
		output: outputOf(method),
		...(method.deprecated
			? { deprecated: method.deprecated === true ? 'a newer method' : method.deprecated }
			: {}),
		draft: true,
		params: method.params
			.filter((param) => param.name !== 'onProgress')
			.map((param) => draftParam(method, param)),
	};
}

/** SDK methods of a service that no catalog action calls, deprecated aliases left out. */
export function missingMethods(
	sdk: SdkDeclarations,
	service: string,
	catalog?: CatalogService,
): SdkMethod[] {
	const called = new Set(
		catalog?.actions.flatMap((action) => stepsOf(action).map((step) => step.method)),
	);
	return sdk
		.methodNames(service)
		.filter((name) => !called.has(name))
		.map((name) => sdk.method(service, name) as SdkMethod)
		.filter((method) => !method.deprecated || method.service === 'Databases');
}

/**
 * Drafts catalog entries for SDK methods of a service the catalog does not call (or the chosen
 * ones): into the service's catalog file, or a new file for a new service. Returns the file and
 * the drafted operations; refuses unknown services and methods with a CatalogError.
 */
export function scaffold(
	sdk: SdkDeclarations,
	service: string,
	methods: string[] = [],
	catalogDir = CATALOG_DIR,
): { file: string; drafted: string[] } {
	if (!sdk.hasService(service))
		throw new CatalogError([`node-appwrite ${sdk.version} has no service ${service}`]);
	const file = path.join(catalogDir, `${service.toLowerCase()}.yaml`);
	const relative = path.relative(ROOT, file);
	const catalog = existsSync(file)
		? parseCatalogFile(relative, readFileSync(file, 'utf8'))
		: undefined;
	const unknown = methods.filter((name) => !sdk.method(service, name));
	if (unknown.length)
		throw new CatalogError([
			`node-appwrite ${sdk.version} has no ${unknown.map((name) => `${service}.${name}`).join(', ')}`,
		]);
	const wanted = methods.length
		? methods.map((name) => sdk.method(service, name) as SdkMethod)
		: missingMethods(sdk, service, catalog);
	const resource = catalog?.resources[0].value ?? lowerFirst(service).replace(/[^A-Za-z0-9]/g, '');
	const drafts = wanted.map((method) => draftAction(method, resource));
	if (drafts.length === 0) return { file: relative, drafted: [] };
	if (!catalog) {
		const icon = service.toLowerCase();
		writeFileSync(
			file,
			stringify(
				{
					service,
					node: `Appwrite${service}`,
					displayName: `Appwrite ${humanize(service)}`,
					description: `Work with Appwrite ${humanize(service)} (review this description)`,
					// A glyph drawn for the service if there is one, else the generic one: both generate as they are.
					icon: GLYPHS[icon] ? icon : GENERIC_GLYPH,
					docs: `https://appwrite.io/docs/references/cloud/server-nodejs/${service.toLowerCase()}`,
					resources: [{ value: resource, name: humanize(service) }],
					actions: drafts,
				},
				{ lineWidth: 0 },
			),
		);
	} else {
		const text = stringify(drafts, { lineWidth: 0 })
			.replace(/^/gm, '  ')
			.replace(/^ {2}$/gm, '');
		appendFileSync(
			file,
			`\n  # Drafted by catalog:scaffold from node-appwrite ${sdk.version}: review, then remove draft: true.\n${text}`,
		);
	}
	return { file: relative, drafted: drafts.map((draft) => draft.operation) };
}

function main(): number {
	const [service, ...methods] = process.argv.slice(2);
	if (!service) {
		console.error(
			'usage: npm run catalog:scaffold -- <Service> [method ...]   e.g. Teams, or Users createJWT',
		);
		return 2;
	}
	let result: { file: string; drafted: string[] };
	try {
		result = scaffold(new SdkDeclarations(), service, methods);
	} catch (error) {
		if (!(error instanceof CatalogError)) throw error;
		console.error(error.problems.join('\n'));
		return 2;
	}
	if (result.drafted.length === 0) {
		console.log(`Every ${service} method is in the catalog.`);
		return 0;
	}
	console.log(
		`Drafted ${result.drafted.length} action(s) into ${result.file}: ${result.drafted.join(', ')}`,
	);
	console.log(
		'Review resources, names, kinds and descriptions, remove "draft: true", then run npm run generate.',
	);
	return 0;
}

if (require.main === module) process.exitCode = main();
