import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import type { CatalogAction, CatalogService } from './catalog';
import { actionKey, CatalogError, loadCatalog, ROOT, stepsOf } from './catalog';
import { checkCatalog } from './check';
import { KINDS } from './kinds';
import type { SpecOperation } from './openapi';
import { readSpec } from './openapi';
import { missingMethods } from './scaffold';
import { SdkDeclarations } from './sdk';

export const VENDORED_SPEC = path.join(ROOT, 'spec', 'appwrite', 'open-api3-1.8.x-server.json');

export interface Difference {
	service: string;
	/** What kind of difference: the catalog lacks something, or something the catalog uses changed. */
	kind: 'missing' | 'gone' | 'parameter' | 'deprecated' | 'sdk';
	source: 'node-appwrite' | 'spec';
	detail: string;
}

export interface Exclusions {
	services: Record<string, string>;
	methods: Record<string, string>;
	/** Known differences between node-appwrite and the spec, as patterns over a difference's text, with the reason. */
	accepted: Array<{ service: string; match: string; reason: string }>;
}

export function loadExclusions(file = path.join(ROOT, 'spec', 'excluded.yaml')): Exclusions {
	const data = parse(readFileSync(file, 'utf8')) ?? {};
	return {
		services: data.services ?? {},
		methods: data.methods ?? {},
		accepted: data.accepted ?? [],
	};
}

/** node-appwrite renames a few spec parameters that clash with its own names (path → xpath). */
function catalogName(action: CatalogAction, specName: string): string | undefined {
	return action.params.find((param) => param.name === specName || param.name === `x${specName}`)
		?.name;
}

function compareParameters(
	action: CatalogAction,
	stepIndex: number,
	op: SpecOperation,
	add: (detail: string) => void,
): void {
	const step = stepsOf(action)[stepIndex];
	const at = `${actionKey(action)} (${op.method})`;
	for (const [name, specParam] of op.params) {
		const own = catalogName(action, name);
		const param = action.params.find((entry) => entry.name === own);
		if (!param) {
			if (!action.omit?.[name] && !action.omit?.[`x${name}`])
				add(
					`${at}: the spec has parameter "${name}" (${specParam.type}${specParam.required ? ', required' : ''}), the catalog does not`,
				);
			continue;
		}
		const requiredHere = Boolean(param.required) || step.when === param.name;
		if (
			specParam.required !== requiredHere &&
			!(typeof step.when === 'object' && !specParam.required)
		) {
			add(
				`${at}: "${name}" is ${specParam.required ? 'required' : 'optional'} in the spec, ${requiredHere ? 'required' : 'optional'} in the catalog`,
			);
		}
		if (!KINDS[param.kind].specTypes.includes(specParam.type))
			add(`${at}: "${name}" is ${specParam.type} in the spec, kind ${param.kind} in the catalog`);
		const offered = param.options?.map((option) => option.value);
		if (specParam.enum && offered) {
			const added = specParam.enum.filter((value) => !offered.includes(value));
			const removed = offered.filter((value) => !specParam.enum?.includes(value));
			if (added.length) add(`${at}: "${name}" has new values in the spec: ${added.join(', ')}`);
			if (removed.length)
				add(`${at}: "${name}" offers values the spec no longer has: ${removed.join(', ')}`);
		}
	}
}

/**
 * Compares the catalog with node-appwrite's declarations and with an Appwrite server spec: what
 * either offers that the catalog lacks, and what the catalog uses that changed or went away.
 */
export function diffCatalog(options: {
	catalog: CatalogService[];
	sdk: SdkDeclarations;
	spec: SpecOperation[];
	exclusions: Exclusions;
}): Difference[] {
	const { catalog, sdk, spec, exclusions } = options;
	const differences: Difference[] = [];
	const isExcluded = (service: string, method?: string) =>
		service in exclusions.services ||
		(method !== undefined && `${service}.${method}` in exclusions.methods);
	const byService = new Map(catalog.map((service) => [service.service, service]));
	const called = new Set(
		catalog.flatMap((service) =>
			service.actions.flatMap((action) =>
				stepsOf(action).map((step) => `${service.service}.${step.method}`),
			),
		),
	);

	for (const name of sdk.serviceNames()) {
		if (isExcluded(name)) continue;
		for (const method of missingMethods(sdk, name, byService.get(name))) {
			if (!isExcluded(name, method.name)) {
				differences.push({
					service: name,
					kind: 'missing',
					source: 'node-appwrite',
					detail: `${name}.${method.name} is not in the catalog`,
				});
			}
		}
	}
	try {
		checkCatalog(catalog, sdk);
	} catch (error) {
		if (!(error instanceof CatalogError)) throw error;
		for (const problem of error.problems) {
			const service =
				catalog.find((entry) => problem.startsWith(entry.file))?.service ?? '(catalog)';
			differences.push({
				service,
				kind: 'sdk',
				source: 'node-appwrite',
				detail: problem.replace(/^[^:]+: /, ''),
			});
		}
	}

	const operations = new Map(spec.map((op) => [`${op.service}.${op.method}`, op]));
	for (const op of spec) {
		const key = `${op.service}.${op.method}`;
		const keptDeprecated = op.service === 'Databases';
		if (called.has(key) || isExcluded(op.service, op.method) || (op.deprecated && !keptDeprecated))
			continue;
		differences.push({
			service: op.service,
			kind: 'missing',
			source: 'spec',
			detail: `${op.httpMethod.toUpperCase()} ${op.path} (${key}) is not in the catalog`,
		});
	}
	for (const service of catalog) {
		for (const action of service.actions) {
			stepsOf(action).forEach((step, index) => {
				const op = operations.get(`${service.service}.${step.method}`);
				const add = (kind: Difference['kind'], detail: string) =>
					differences.push({ service: service.service, kind, source: 'spec', detail });
				if (!op) {
					add(
						'gone',
						`${actionKey(action)} calls ${service.service}.${step.method}, which the spec does not have`,
					);
					return;
				}
				if (op.deprecated && !action.deprecated) {
					add(
						'deprecated',
						`${actionKey(action)}: ${service.service}.${step.method} is deprecated${op.deprecated === true ? '' : `; use ${op.deprecated}`}`,
					);
				}
				compareParameters(action, index, op, (detail) => add('parameter', detail));
			});
		}
	}
	return differences.filter(
		(difference) =>
			!exclusions.accepted.some(
				(known) =>
					known.service === difference.service && new RegExp(known.match).test(difference.detail),
			),
	);
}

function main(): number {
	const args = process.argv.slice(2);
	const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
	const specFile = path.resolve(value('--spec') ?? VENDORED_SPEC);
	const sdk = new SdkDeclarations(
		value('--sdk') ? path.resolve(value('--sdk') as string) : undefined,
	);
	const exclusions = loadExclusions();
	const differences = diffCatalog({
		catalog: loadCatalog(),
		sdk,
		spec: readSpec(specFile, sdk.serviceNames()),
		exclusions,
	});

	if (args.includes('--json')) {
		process.stdout.write(
			`${JSON.stringify({ sdkVersion: sdk.version, spec: path.relative(ROOT, specFile), differences, excluded: exclusions }, null, 2)}\n`,
		);
	} else {
		const lines = [
			`Catalog vs node-appwrite ${sdk.version} and ${path.relative(process.cwd(), specFile)}`,
		];
		for (const service of [
			...new Set(differences.map((difference) => difference.service)),
		].sort()) {
			lines.push('', `${service}:`);
			for (const difference of differences.filter((entry) => entry.service === service)) {
				lines.push(`  [${difference.source}] ${difference.kind}: ${difference.detail}`);
			}
		}
		lines.push(
			'',
			`Excluded on purpose (spec/excluded.yaml): ${Object.keys(exclusions.services).length} services, ${Object.keys(exclusions.methods).length} methods, ${exclusions.accepted.length} known SDK/spec differences.`,
		);
		lines.push(differences.length ? `${differences.length} difference(s).` : 'No differences.');
		process.stdout.write(`${lines.join('\n')}\n`);
	}
	return differences.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
