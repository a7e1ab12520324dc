import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { stringify } from 'yaml';

import type { CatalogAction, CatalogOutput, CatalogParam, CatalogService } from './catalog';
import { CATALOG_DIR, parseCatalogFile, ROOT, stepsOf } from './catalog';
import { humanize } from './model';
import type { SdkMethod, SdkParam } from './sdk';
import { SdkDeclarations } from './sdk';

/** Markdown from the SDK's doc comments, as plain text for n8n descriptions. */
function plain(text: string): string {
	return text.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

function kindOf(method: SdkMethod, param: SdkParam): CatalogParam['kind'] {
	switch (param.shape) {
		case 'number': return 'number';
		case 'boolean': return 'boolean';
		case 'enum': return 'options';
		case 'enum[]': return 'multiOptions';
		case 'file': return 'binary';
		case 'object':
		case 'unknown': return 'json';
		case 'object[]': return 'jsonList';
		case 'string[]': return param.name === 'queries' ? 'queries' : 'stringList';
		default:
			if (method.name.startsWith('create') && /ID\.unique\(\)/.test(param.description)) return 'id';
			if (/ISO 8601|datetime/i.test(param.description)) return 'dateTime';
			return 'string';
	}
}

function draftParam(method: SdkMethod, param: SdkParam): CatalogParam {
	const kind = kindOf(method, param);
	const draft: CatalogParam = { name: param.name, kind, description: plain(param.description) || humanize(param.name) };
	if (param.required) draft.required = true;
	if (kind === 'number') draft.default = Number(/Defaults? to (-?\d+)/i.exec(param.description)?.[1] ?? 0);
	if (param.enumValues) {
		draft.options = param.enumValues.map((value, index) => ({ name: humanize(param.enumKeys?.[index] ?? value), value }));
	}
	if (/password|secret|apiKey|authKey|authToken/i.test(param.name)) draft.secret = true;
	return draft;
}

function outputOf(method: SdkMethod): CatalogOutput {
	if (method.returnsBinary) return { kind: 'binary', fileName: method.name.replace(/^get/, '').toLowerCase() };
	const key = method.resultProperties.find((name) => name !== 'total');
	if (method.resultProperties.includes('total') && key && method.resultProperties.length === 2) {
		const pages = method.params.some((param) => param.name === 'queries');
		return { kind: 'list', key, pagination: pages ? (key === 'logs' ? 'offset' : 'cursor') : 'none' };
	}
	return method.name.startsWith('delete') && method.resultProperties.length === 0 ? 'delete' : 'object';
}

/** A draft catalog entry for one SDK method, marked so the generator refuses it until reviewed. */
export function draftAction(method: SdkMethod, resource: string): CatalogAction {
	const name = humanize(method.name);
	return {
		resource,
		operation: method.name,
		name,
		action: name.charAt(0) + name.slice(1).toLowerCase(),
		description: plain(method.description).split('. ')[0] || name,
		method: method.name,
		output: outputOf(method),
		...(method.deprecated ? { deprecated: method.deprecated === true ? 'a newer method' : method.deprecated } : {}),
		draft: true,
		params: method.params.filter((param) => param.name !== 'onProgress').map((param) => draftParam(method, param)),
	};
}

/** SDK methods of a service that no catalog action calls, deprecated aliases left out. */
export function missingMethods(sdk: SdkDeclarations, service: string, catalog?: CatalogService): SdkMethod[] {
	const called = new Set(catalog?.actions.flatMap((action) => stepsOf(action).map((step) => step.method)));
	return sdk
		.methodNames(service)
		.filter((name) => !called.has(name))
		.map((name) => sdk.method(service, name) as SdkMethod)
		.filter((method) => !method.deprecated || method.service === 'Databases');
}

function main(): number {
	const [service, ...methods] = process.argv.slice(2);
	if (!service) {
		console.error('usage: npm run catalog:scaffold -- <Service> [method ...]   e.g. Teams, or Users createJWT');
		return 2;
	}
	const sdk = new SdkDeclarations();
	if (!sdk.serviceClass(service)) {
		console.error(`node-appwrite ${sdk.version} has no service ${service}`);
		return 2;
	}
	const file = path.join(CATALOG_DIR, `${service.toLowerCase()}.yaml`);
	const catalog = existsSync(file) ? parseCatalogFile(path.relative(ROOT, file), readFileSync(file, 'utf8')) : undefined;
	const unknown = methods.filter((name) => !sdk.method(service, name));
	if (unknown.length) {
		console.error(`node-appwrite ${sdk.version} has no ${unknown.map((name) => `${service}.${name}`).join(', ')}`);
		return 2;
	}
	const wanted = methods.length ? methods.map((name) => sdk.method(service, name) as SdkMethod) : missingMethods(sdk, service, catalog);
	if (wanted.length === 0) {
		console.log(`Every ${service} method is in the catalog.`);
		return 0;
	}
	const resource = catalog?.resources[0].value ?? service.charAt(0).toLowerCase() + service.slice(1);
	const drafts = wanted.map((method) => draftAction(method, resource));
	if (!catalog) {
		writeFileSync(
			file,
			stringify({
				service,
				node: `Appwrite${service}`,
				displayName: `Appwrite ${humanize(service)}`,
				description: `Work with Appwrite ${humanize(service)} (review this description)`,
				icon: service.toLowerCase(),
				docs: `https://appwrite.io/docs/references/cloud/server-nodejs/${service.toLowerCase()}`,
				resources: [{ value: resource, name: humanize(service) }],
				actions: drafts,
			}, { lineWidth: 0 }),
		);
	} else {
		const text = stringify(drafts, { lineWidth: 0 }).replace(/^/gm, '  ').replace(/^ {2}$/gm, '');
		appendFileSync(file, `\n  # Drafted by catalog:scaffold from node-appwrite ${sdk.version}: review, then remove draft: true.\n${text}`);
	}
	console.log(`Drafted ${drafts.length} action(s) into ${path.relative(ROOT, file)}: ${drafts.map((draft) => draft.operation).join(', ')}`);
	console.log('Review resources, names, kinds and descriptions, remove "draft: true", then run npm run generate.');
	return 0;
}

if (require.main === module) process.exitCode = main();
