import type { CatalogAction, CatalogParam, CatalogService } from './catalog';
import { actionKey, CatalogError, stepsOf } from './catalog';
import type { SdkDeclarations, SdkMethod, SdkParam } from './sdk';

/** node-appwrite shapes each catalog kind may be handed to. */
const COMPATIBLE: Record<CatalogParam['kind'], ReadonlyArray<SdkParam['shape']>> = {
	string: ['string', 'object', 'unknown'],
	id: ['string'],
	dateTime: ['string'],
	color: ['string'],
	hexColor: ['string'],
	options: ['string', 'enum'],
	number: ['number'],
	boolean: ['boolean'],
	stringList: ['string[]'],
	multiOptions: ['string[]', 'enum[]'],
	queries: ['string[]'],
	json: ['object', 'unknown'],
	jsonList: ['object[]', 'unknown'],
	binary: ['file'],
};

/** Names the generated node uses for its own fields. */
const RESERVED = new Set(['resource', 'operation', 'additionalFields', 'returnAll', 'limit', 'listOutput', 'binaryProperty']);

/** Parameters node-appwrite offers that make no sense in a workflow. */
const RUNTIME_ONLY = new Set(['onProgress']);

/**
 * n8n's lint (sentence-case rule) accepts words that are all lower case, all upper case, or the
 * first word capitalised; apostrophes and mixed case such as "APNs" fail it.
 */
function isN8nSentenceCase(sentence: string): boolean {
	return sentence.split(' ').every((word, index) => {
		if (word === word.toUpperCase() && /[A-Z]/.test(word)) return true;
		const rest = index === 0 ? word.slice(1) : word;
		return !word.includes("'") && rest === rest.toLowerCase() && (index > 0 || word[0] === word[0].toUpperCase());
	});
}

function checkAction(service: CatalogService, action: CatalogAction, sdk: SdkDeclarations): string[] {
	const problems: string[] = [];
	const at = `${service.file}: action ${actionKey(action)}`;
	const fail = (problem: string) => problems.push(`${at}: ${problem}`);

	if (!isN8nSentenceCase(action.action)) fail(`action "${action.action}" must be in sentence case without apostrophes (n8n's lint)`);
	if (action.draft) fail('is a draft from catalog:scaffold; review it, then remove "draft: true"');
	if (!service.resources.some((resource) => resource.value === action.resource)) {
		fail(`resource "${action.resource}" is not declared under resources`);
	}

	const params = new Map(action.params.map((param) => [param.name, param]));
	if (params.size !== action.params.length) fail('declares a parameter twice');
	const steps = stepsOf(action);
	const methods: SdkMethod[] = [];
	for (const step of steps) {
		const method = sdk.method(service.service, step.method);
		if (!method) {
			fail(`node-appwrite ${sdk.version} has no method ${service.service}.${step.method}`);
			continue;
		}
		methods.push(method);
		if (method.deprecated && !action.deprecated) {
			const replacement = method.deprecated === true ? '' : ` (use ${method.deprecated})`;
			fail(`${service.service}.${step.method} is deprecated in node-appwrite${replacement}; use the replacement, or keep it on purpose with "deprecated: <replacement>"`);
		}
		const whenParam = typeof step.when === 'string' ? step.when : step.when?.param;
		if (whenParam && !params.has(whenParam)) fail(`step ${step.method} depends on unknown parameter "${whenParam}"`);

		for (const sdkParam of method.params) {
			if (RUNTIME_ONLY.has(sdkParam.name)) continue;
			const param = params.get(sdkParam.name);
			if (!param) {
				if (sdkParam.required) fail(`${service.service}.${step.method} requires "${sdkParam.name}", which the entry does not declare`);
				else if (!action.omit?.[sdkParam.name]) {
					fail(`${service.service}.${step.method} takes "${sdkParam.name}"; declare it, or list it under omit with the reason`);
				}
				continue;
			}
			if (sdkParam.required && !param.required && step.when !== param.name) {
				fail(`parameter "${param.name}" must be required: ${service.service}.${step.method} requires it`);
			}
			if (!sdkParam.required && param.required) {
				fail(`parameter "${param.name}" is marked required, but ${service.service}.${step.method} declares it optional`);
			}
			if (!COMPATIBLE[param.kind].includes(sdkParam.shape)) {
				fail(`parameter "${param.name}" has kind ${param.kind}, but ${service.service}.${step.method} declares it as ${sdkParam.typeText}`);
			}
			if (sdkParam.enumValues && param.options) {
				const unknown = param.options.filter((option) => !sdkParam.enumValues?.includes(option.value));
				if (unknown.length) {
					fail(`parameter "${param.name}" offers ${unknown.map((option) => `"${option.value}"`).join(', ')}, not values of ${sdkParam.typeText} (${sdkParam.enumValues.join(', ')})`);
				}
			}
		}
	}

	for (const param of action.params) {
		if (/color/i.test(param.name) && !['color', 'hexColor'].includes(param.kind)) {
			fail(`parameter "${param.name}" is a colour: use kind color (sent as #rrggbb) or hexColor (sent without #)`);
		}
		if (RESERVED.has(param.name)) fail(`parameter name "${param.name}" is reserved for the node's own fields`);
		const declaredBy = methods.filter((method) => method.params.some((sdkParam) => sdkParam.name === param.name));
		if (param.selector) {
			const used = steps.some((step) => typeof step.when === 'object' && step.when.param === param.name);
			if (!used) fail(`selector "${param.name}" chooses no step`);
			if (declaredBy.length) fail(`selector "${param.name}" is also an SDK parameter; selectors are not sent`);
		} else if (methods.length === steps.length && declaredBy.length === 0) {
			const declared = methods.flatMap((method) => method.params.map((sdkParam) => sdkParam.name)).filter((name) => !RUNTIME_ONLY.has(name));
			fail(`parameter "${param.name}" is not a parameter of ${steps.map((step) => `${service.service}.${step.method}`).join(' / ')} (it declares: ${[...new Set(declared)].join(', ') || 'nothing'})`);
		}
		for (const selector of Object.keys(param.showWhen ?? {})) {
			if (!params.get(selector)?.selector) fail(`parameter "${param.name}" is shown by "${selector}", which is not a selector`);
		}
		if (param.options && param.default !== undefined && param.kind === 'options' && !param.options.some((option) => option.value === param.default)) {
			fail(`parameter "${param.name}" defaults to "${String(param.default)}", which is not one of its options`);
		}
	}

	const last = methods.length === steps.length ? methods[methods.length - 1] : undefined;
	const output = action.output;
	if (last) {
		if (typeof output === 'object' && output.kind === 'binary') {
			if (!last.returnsBinary) fail(`output is binary, but ${service.service}.${last.name} does not return file content`);
			if (output.metadataStep !== undefined && output.metadataStep >= steps.length - 1) fail('metadataStep must name a step before the last');
		} else if (last.returnsBinary) {
			fail(`${service.service}.${last.name} returns file content: use a binary output`);
		}
		if (typeof output === 'object' && output.kind === 'list') {
			if (!last.resultProperties.includes(output.key)) {
				fail(`list key "${output.key}" is not in the result of ${service.service}.${last.name} (it has: ${last.resultProperties.join(', ')})`);
			}
			if (output.pagination !== 'none' && !last.params.some((sdkParam) => sdkParam.name === 'queries')) {
				fail(`pagination "${output.pagination}" needs queries, which ${service.service}.${last.name} does not take`);
			}
		}
	}
	return problems;
}

/**
 * Refuses any catalog entry that does not match node-appwrite's own declarations, so a misspelled
 * parameter or method is caught at generation, not by a user's failed workflow.
 */
export function checkCatalog(services: CatalogService[], sdk: SdkDeclarations): void {
	const problems: string[] = [];
	const nodes = new Set<string>();
	for (const service of services) {
		if (!sdk.serviceClass(service.service)) {
			problems.push(`${service.file}: node-appwrite ${sdk.version} has no service class ${service.service}`);
			continue;
		}
		if (nodes.has(service.node)) problems.push(`${service.file}: node ${service.node} is generated twice`);
		nodes.add(service.node);
		const keys = new Set<string>();
		for (const action of service.actions) {
			if (keys.has(actionKey(action))) problems.push(`${service.file}: action ${actionKey(action)} appears twice`);
			keys.add(actionKey(action));
			problems.push(...checkAction(service, action, sdk));
		}
	}
	if (problems.length) throw new CatalogError(problems);
}
