import { NODE_FIELDS, nullFieldName } from '../src/descriptions';
import type { InputKind, OutputSpec, StepCondition } from '../src/types';
import type {
	CatalogAction,
	CatalogOption,
	CatalogParam,
	CatalogService,
	Versioned,
} from './catalog';
import { actionKey, CatalogError, isInVersion, isShownIn, stepsOf } from './catalog';
import { GLYPHS } from './icons';
import { KINDS } from './kinds';
import { mapperProblems, queryBuilderOf } from './mapper';
import type { Verbatim } from './literal';
import type { ObjectKind, ResolvedLocator } from './objects';
import { locatorOf, OBJECTS_FILE, objectKindOf, objectProblems } from './objects';
import type { SdkDeclarations, SdkMethod, SdkShape } from './sdk';
import { humanize, isN8nSentenceCase, styleProblems } from './text';

/**
 * The resolved model: the catalog checked against node-appwrite and settled into the facts both
 * printers read (the n8n properties and the runtime's call table). node-appwrite is asked once,
 * here; nothing downstream reads the catalog's raw entries or the SDK.
 */
export interface ResolvedParam {
	/** As node-appwrite spells it; also the n8n field name. */
	name: string;
	label: string;
	kind: InputKind;
	/** The catalog's own words; the properties printer adds what the kind needs said. */
	description: string;
	/** A top-level field, or one of Additional Fields. */
	location: 'top' | 'additionalFields';
	/** The user must give a value (unless the kind generates one, as an `id` left empty becomes `ID.unique()`). */
	required: boolean;
	/** Chooses between steps; not sent to Appwrite. */
	selector: boolean;
	/**
	 * Only narrows the "From list" pickers of other parameters of the action, as a parent their
	 * lists need: its own optional field, never read by the runtime nor sent to Appwrite.
	 */
	pickerOnly: boolean;
	/** For a picker-only parameter: the objects whose pickers it narrows, e.g. `file token`. */
	narrows?: string[];
	showWhen?: { param: string; in: string[] };
	options?: CatalogOption[];
	/** The options n8n always offers for the kind (the query builder), in the node's words. */
	builtInOptions?: Verbatim;
	default: unknown;
	placeholder?: string;
	secret: boolean;
	multiline: boolean;
	nullable: boolean;
	/**
	 * node-appwrite needs a value or null on every call, while the field is optional beside its Set
	 * to Null switch (n8n cannot mark it required): left empty with the switch off, it is an error.
	 */
	valueOrNull: boolean;
	/**
	 * How node-appwrite declares it (absent for a selector): its type, whether any declaring method
	 * requires it, by its declaration or by refusing a call without it (`required` above may differ,
	 * with the catalog's reason or a Set to Null switch), whether any puts it in its URL path, and
	 * the declaring methods.
	 */
	sdk?: { type: string; shape: SdkShape; required: boolean; inPath: boolean; methods: string[] };
	/** The kind of existing Appwrite object it names (spec/catalog/_objects.yaml). */
	names?: string;
	/** Its picker, when the action has every parent parameter the kind's list needs. */
	locator?: ResolvedLocator;
}

export interface ResolvedStep {
	method: string;
	/** The action's parameters this method declares. */
	args: string[];
	when?: StepCondition;
}

export interface ResolvedAction {
	key: string;
	resource: string;
	operation: string;
	name: string;
	action: string;
	description: string;
	/** The replacement, for a deprecated method kept on purpose. */
	deprecated?: string;
	steps: ResolvedStep[];
	output: OutputSpec;
	params: ResolvedParam[];
	/** For a create with a generated ID: the same resource's `get`, to read a record back after an ambiguous failure. */
	readBack?: { method: string; args: string[] };
}

export interface ResolvedResource {
	value: string;
	name: string;
	description?: string;
	actions: ResolvedAction[];
}

export interface ResolvedVersion {
	version: number;
	resources: ResolvedResource[];
}

export interface ResolvedNode
	extends Pick<
		CatalogService,
		'file' | 'service' | 'node' | 'displayName' | 'description' | 'icon' | 'docs'
	> {
	sdkVersion: string;
	/** Every version of the node, oldest first; the last is what new workflows get. */
	versions: ResolvedVersion[];
	/** The object kinds its pickers list, in the objects file's order. */
	pickers: ObjectKind[];
}

/** Parameters node-appwrite offers that make no sense in a workflow. */
const RUNTIME_ONLY = new Set(['onProgress']);

const RESERVED = new Set<string>(Object.values(NODE_FIELDS));

function labelOf(param: CatalogParam): string {
	return param.label ?? KINDS[param.kind].label ?? humanize(param.name);
}

function defaultOf(param: CatalogParam, options: CatalogOption[] | undefined): unknown {
	if (param.default !== undefined) return param.default;
	return param.kind === 'options' ? options?.[0].value : KINDS[param.kind].default;
}

function outputOf(action: CatalogAction): OutputSpec {
	return typeof action.output === 'string' ? { kind: action.output } : action.output;
}

/** What breaks n8n's style in a catalog text (none when the text is absent), each said of `what`. */
function styleFailures(what: string, text: string | undefined, boolean = false): string[] {
	if (text === undefined) return [];
	return styleProblems(text, { boolean }).map((problem) => `${what} ${problem} (n8n's style)`);
}

/** Resolves one action as it is in one version of its node, adding what is wrong with it to `fail`. */
function resolveAction(
	service: CatalogService,
	action: CatalogAction,
	version: number,
	sdk: SdkDeclarations,
	objects: ObjectKind[],
	fail: (problem: string) => void,
): ResolvedAction {
	const params = action.params.filter((param) => isInVersion(param, version));
	const byName = new Map(params.map((param) => [param.name, param]));
	if (!isN8nSentenceCase(action.action))
		fail(`action "${action.action}" must be in sentence case without apostrophes (n8n's lint)`);
	if (action.draft) fail('is a draft from catalog:scaffold; review it, then remove "draft: true"');
	if (!service.resources.some((resource) => resource.value === action.resource)) {
		fail(`resource "${action.resource}" is not declared under resources`);
	}
	if (byName.size !== params.length) fail('declares a parameter twice');
	styleFailures('description', action.description).forEach(fail);
	for (const param of params) {
		const at = `parameter "${param.name}"`;
		styleFailures(`${at}: description`, param.description, param.kind === 'boolean').forEach(fail);
		for (const option of param.options ?? [])
			styleFailures(`${at}, option "${option.value}": description`, option.description).forEach(
				fail,
			);
	}

	const steps = stepsOf(action);
	const methods: SdkMethod[] = [];
	for (const step of steps) {
		const method = sdk.method(service.service, step.method);
		if (!method) {
			fail(`node-appwrite ${sdk.version} has no method ${service.service}.${step.method}`);
			continue;
		}
		methods.push(method);
		const at = `${service.service}.${step.method}`;
		if (method.deprecated && !action.deprecated) {
			const replacement = method.deprecated === true ? '' : ` (use ${method.deprecated})`;
			fail(
				`${at} is deprecated in node-appwrite${replacement}; use the replacement, or keep it on purpose with "deprecated: <replacement>"`,
			);
		}
		const whenParam = typeof step.when === 'string' ? step.when : step.when?.param;
		if (whenParam && !byName.has(whenParam))
			fail(`step ${step.method} depends on unknown parameter "${whenParam}"`);

		for (const sdkParam of method.params) {
			if (RUNTIME_ONLY.has(sdkParam.name)) continue;
			const param = byName.get(sdkParam.name);
			if (!param) {
				if (sdkParam.required)
					fail(`${at} requires "${sdkParam.name}", which the entry does not declare`);
				else if (!action.omit?.[sdkParam.name])
					fail(`${at} takes "${sdkParam.name}"; declare it, or list it under omit with the reason`);
				continue;
			}
			if (
				sdkParam.required &&
				!param.required &&
				step.when !== param.name &&
				!param.requiredReason
			) {
				fail(`parameter "${param.name}" must be required: ${at} requires it`);
			}
			if (sdkParam.checked && !sdkParam.required && !param.required && !param.nullable) {
				fail(
					`parameter "${param.name}": ${at} declares it optional but refuses a call without it; mark it required or nullable`,
				);
			}
			if (!sdkParam.required && param.required && !param.requiredReason) {
				fail(`parameter "${param.name}" is marked required, but ${at} declares it optional`);
			}
			if (!KINDS[param.kind].sdkShapes.includes(sdkParam.shape)) {
				fail(
					`parameter "${param.name}" has kind ${param.kind}, but ${at} declares it as ${sdkParam.typeText}`,
				);
			}
			const unknown =
				sdkParam.enumValues &&
				param.options?.filter(
					(option) => isInVersion(option, version) && !sdkParam.enumValues?.includes(option.value),
				);
			if (unknown?.length) {
				fail(
					`parameter "${param.name}" offers ${unknown.map((option) => `"${option.value}"`).join(', ')}, not values of ${sdkParam.typeText} (${sdkParam.enumValues?.join(', ')})`,
				);
			}
		}
	}

	const allMethodsKnown = methods.length === steps.length;
	const resolvedParams = params.map((param): ResolvedParam => {
		const options = param.options?.filter((option) => isInVersion(option, version));
		if (/color/i.test(param.name) && !['color', 'hexColor'].includes(param.kind)) {
			fail(
				`parameter "${param.name}" is a colour: use kind color (sent as #rrggbb) or hexColor (sent without #)`,
			);
		}
		if (RESERVED.has(param.name))
			fail(`parameter name "${param.name}" is reserved for the node's own fields`);
		if (param.nullable && byName.has(nullFieldName(param.name))) {
			fail(
				`parameter "${param.name}" is nullable, and its switch "${nullFieldName(param.name)}" clashes with another parameter`,
			);
		}
		const declaring = methods.flatMap((method) =>
			method.params
				.filter((sdkParam) => sdkParam.name === param.name)
				.map((sdkParam) => ({ method, sdkParam })),
		);
		if (param.pickerOnly) {
			if (param.selector)
				fail(`parameter "${param.name}" cannot be both a selector and picker-only`);
			if (param.required)
				fail(`picker-only "${param.name}" must be optional: it is never sent to Appwrite`);
			if (param.kind !== 'string')
				fail(
					`picker-only "${param.name}" must be of kind string, to name the parent of a picker's list`,
				);
			if (declaring.length)
				fail(
					`picker-only "${param.name}" is a parameter of ${declaring.map(({ method }) => `${service.service}.${method.name}`).join(' / ')}; picker-only parameters are never sent, so declare it as a plain parameter`,
				);
		} else if (param.selector) {
			const used = steps.some(
				(step) => typeof step.when === 'object' && step.when.param === param.name,
			);
			if (!used) fail(`selector "${param.name}" chooses no step`);
			if (declaring.length)
				fail(`selector "${param.name}" is also an SDK parameter; selectors are not sent`);
		} else if (allMethodsKnown && declaring.length === 0) {
			const declared = methods
				.flatMap((method) => method.params.map((sdkParam) => sdkParam.name))
				.filter((name) => !RUNTIME_ONLY.has(name));
			fail(
				`parameter "${param.name}" is not a parameter of ${steps.map((step) => `${service.service}.${step.method}`).join(' / ')} (it declares: ${[...new Set(declared)].join(', ') || 'nothing'})`,
			);
		}
		for (const selector of Object.keys(param.showWhen ?? {})) {
			if (!byName.get(selector)?.selector)
				fail(`parameter "${param.name}" is shown by "${selector}", which is not a selector`);
		}
		if (
			options &&
			param.default !== undefined &&
			param.kind === 'options' &&
			!options.some((option) => option.value === param.default)
		) {
			fail(
				`parameter "${param.name}" defaults to "${String(param.default)}", which is not one of its options`,
			);
		}
		const [selector, values] = Object.entries(param.showWhen ?? {})[0] ?? [];
		const required = Boolean(param.required);
		const sdkRequired = declaring.some(
			(entry) => entry.sdkParam.required || entry.sdkParam.checked,
		);
		// A picker-only parameter is read by its pickers from the node's top-level fields.
		const alwaysUpFront =
			required || Boolean(KINDS[param.kind].upFront || param.selector || param.pickerOnly);
		const shown = isShownIn(param, version);
		if (param.shown !== undefined && alwaysUpFront)
			fail(
				`parameter "${param.name}" is shown up front anyway (required, a selector, picker-only or a ${param.kind}); remove "shown"`,
			);
		if (shown && KINDS[param.kind].emptyUpFront === undefined) {
			fail(
				`parameter "${param.name}" cannot be shown up front while optional: a ${param.kind} field always holds a value, which would always be sent`,
			);
		}
		const first = declaring[0]?.sdkParam;
		return {
			name: param.name,
			label: labelOf(param),
			kind: param.kind,
			description: param.description,
			location: alwaysUpFront || shown ? 'top' : 'additionalFields',
			required,
			selector: Boolean(param.selector),
			pickerOnly: Boolean(param.pickerOnly),
			showWhen: selector ? { param: selector, in: values } : undefined,
			options,
			// Where the action names a table, the query builder offers its columns.
			builtInOptions:
				(param.kind === 'queries' && queryBuilderOf(service.service, action.resource, params)) ||
				KINDS[param.kind].options?.(service.queryField ?? 'attribute'),
			default:
				shown && param.default === undefined
					? KINDS[param.kind].emptyUpFront
					: defaultOf(param, options),
			placeholder: param.placeholder,
			secret: Boolean(param.secret),
			multiline: Boolean(param.multiline),
			nullable: Boolean(param.nullable),
			valueOrNull: Boolean(param.nullable) && !required && sdkRequired,
			sdk: first && {
				type: first.typeText,
				shape: first.shape,
				required: sdkRequired,
				inPath: declaring.some((entry) => entry.sdkParam.inPath),
				methods: declaring.map((entry) => entry.method.name),
			},
		};
	});

	// A string naming an existing object gets a picker; its parents must be fields of the action.
	const topLevel = new Set(
		resolvedParams.filter((param) => param.location === 'top').map((param) => param.name),
	);
	for (const param of resolvedParams.filter((entry) => entry.kind === 'string')) {
		const place = {
			service: service.service,
			resource: action.resource,
			methods: steps.map((step) => step.method),
			param: param.name,
		};
		const object = objectKindOf(objects, place, (problem) => fail(problem));
		if (!object) continue;
		param.names = object.kind;
		param.locator = locatorOf(object, topLevel);
		// The picker's search names an empty parent by its default label (listSourceOf).
		for (const parent of param.locator?.parents ?? []) {
			const label = resolvedParams.find((other) => other.name === parent)?.label;
			if (label !== humanize(parent))
				fail(
					`parameter "${parent}" is labelled "${label}", but the pickers name it "${humanize(parent)}"; keep its default label`,
				);
		}
	}
	for (const param of resolvedParams.filter((entry) => entry.pickerOnly)) {
		param.narrows = resolvedParams
			.filter((other) => other.locator?.parents.includes(param.name))
			.map((other) => (other.locator as ResolvedLocator).noun);
		if (param.narrows.length === 0)
			fail(
				`picker-only "${param.name}" narrows no picker: no From List of the action lists by it (see the parents in ${OBJECTS_FILE}); remove it`,
			);
	}

	const output = outputOf(action);
	const last = allMethodsKnown ? methods[methods.length - 1] : undefined;
	if (last) {
		const at = `${service.service}.${last.name}`;
		if (output.kind === 'binary') {
			if (!last.returnsBinary) fail(`output is binary, but ${at} does not return file content`);
			if (output.metadataStep !== undefined && output.metadataStep >= steps.length - 1)
				fail('metadataStep must name a step before the last');
		} else if (last.returnsBinary) {
			fail(`${at} returns file content: use a binary output`);
		}
		if (output.kind === 'list') {
			if (!last.resultProperties.includes(output.key)) {
				fail(
					`list key "${output.key}" is not in the result of ${at} (it has: ${last.resultProperties.join(', ')})`,
				);
			}
			if (
				output.pagination !== 'none' &&
				!last.params.some((sdkParam) => sdkParam.name === 'queries')
			) {
				fail(`pagination "${output.pagination}" needs queries, which ${at} does not take`);
			}
		}
	}

	const resolved: ResolvedAction = {
		key: actionKey(action),
		resource: action.resource,
		operation: action.operation,
		name: action.name,
		action: action.action,
		description: action.description,
		deprecated: action.deprecated,
		steps: steps.map((step) => {
			const declared = new Set(
				methods
					.find((method) => method.name === step.method)
					?.params.map((sdkParam) => sdkParam.name),
			);
			return {
				method: step.method,
				args: params.filter((param) => declared.has(param.name)).map((param) => param.name),
				when: step.when,
			};
		}),
		output,
		params: resolvedParams,
	};
	mapperProblems(service.service, resolved).forEach(fail);
	return resolved;
}

/**
 * A create action whose ID the node may generate can be read back by the same resource's Get,
 * when every ID the Get puts in its path is one of the create's own parameters.
 */
function readBackOf(action: ResolvedAction, actions: ResolvedAction[]): ResolvedAction['readBack'] {
	if (
		!action.steps[0]?.method.startsWith('create') ||
		!action.params.some((param) => KINDS[param.kind].generated)
	)
		return undefined;
	const get = actions.find(
		(other) => other.resource === action.resource && other.operation === 'get',
	);
	if (!get || get.steps.length !== 1) return undefined;
	const args = get.params.filter((param) => param.sdk?.inPath).map((param) => param.name);
	const own = new Set(action.params.map((param) => param.name));
	return args.length > 0 && args.every((name) => own.has(name))
		? { method: get.steps[0].method, args }
		: undefined;
}

function checkVersions(service: CatalogService, current: number, problems: string[]): void {
	const entries: Array<[string, Versioned]> = service.actions.flatMap((action) => [
		[`action ${actionKey(action)}`, action] as [string, Versioned],
		...action.params.flatMap((param) => [
			[`action ${actionKey(action)}, param ${param.name}`, param] as [string, Versioned],
			...(typeof param.shown === 'object'
				? [
						[`action ${actionKey(action)}, param ${param.name}, shown`, param.shown] as [
							string,
							Versioned,
						],
					]
				: []),
			...(param.options ?? []).map(
				(option) =>
					[`action ${actionKey(action)}, param ${param.name}, option ${option.value}`, option] as [
						string,
						Versioned,
					],
			),
		]),
	]);
	for (const [where, entry] of entries) {
		const at = `${service.file}: ${where}`;
		if ((entry.since ?? 1) > current)
			problems.push(`${at}: since ${entry.since} is after the node's version ${current}`);
		if (entry.until !== undefined && entry.until >= current) {
			problems.push(
				`${at}: until ${entry.until} must be before the node's version ${current} (an entry of the current version has no until)`,
			);
		}
		if (entry.until !== undefined && entry.until < (entry.since ?? 1))
			problems.push(`${at}: until ${entry.until} is before since ${entry.since ?? 1}`);
	}
}

function resolveService(
	service: CatalogService,
	sdk: SdkDeclarations,
	objects: ObjectKind[],
	problems: string[],
): ResolvedNode {
	const current = service.version ?? 1;
	if (!GLYPHS[service.icon])
		problems.push(
			`${service.file}: icon "${service.icon}" has no glyph (known: ${Object.keys(GLYPHS).join(', ')})`,
		);
	checkVersions(service, current, problems);
	const texts = [
		styleFailures('the node description', service.description),
		...service.resources.map((resource) =>
			styleFailures(`resource "${resource.value}": description`, resource.description),
		),
	];
	problems.push(...texts.flat().map((problem) => `${service.file}: ${problem}`));
	const versions: ResolvedVersion[] = [];
	for (let version = 1; version <= current; version++) {
		const keys = new Set<string>();
		const actions: ResolvedAction[] = [];
		for (const action of service.actions.filter((entry) => isInVersion(entry, version))) {
			if (keys.has(actionKey(action)))
				problems.push(`${service.file}: action ${actionKey(action)} appears twice`);
			keys.add(actionKey(action));
			actions.push(
				resolveAction(service, action, version, sdk, objects, (problem) =>
					problems.push(`${service.file}: action ${actionKey(action)}: ${problem}`),
				),
			);
		}
		for (const action of actions) action.readBack = readBackOf(action, actions);
		versions.push({
			version,
			resources: service.resources.map((resource) => ({
				...resource,
				actions: actions.filter((action) => action.resource === resource.value),
			})),
		});
	}
	const { file, node, displayName, description, icon, docs } = service;
	const picked = new Set(
		versions.flatMap((version) =>
			version.resources.flatMap((resource) =>
				resource.actions.flatMap((action) =>
					action.params.flatMap((param) => (param.locator ? [param.locator.kind] : [])),
				),
			),
		),
	);
	return {
		file,
		service: service.service,
		node,
		displayName,
		description,
		icon,
		docs,
		sdkVersion: sdk.version,
		versions,
		pickers: objects.filter((object) => picked.has(object.kind)),
	};
}

/**
 * Checks every catalog entry against node-appwrite's own declarations and resolves it, so a
 * misspelled parameter or method is caught at generation, not by a user's failed workflow. Every
 * problem names the file and the action; any problem refuses the whole catalog.
 */
export function resolveCatalog(
	services: CatalogService[],
	sdk: SdkDeclarations,
	objects: ObjectKind[] = [],
): ResolvedNode[] {
	const problems: string[] = objectProblems(objects, sdk);
	const nodes: ResolvedNode[] = [];
	const names = new Set<string>();
	for (const service of services) {
		if (!sdk.hasService(service.service)) {
			problems.push(
				`${service.file}: node-appwrite ${sdk.version} has no service class ${service.service}`,
			);
			continue;
		}
		if (names.has(service.node))
			problems.push(`${service.file}: node ${service.node} is generated twice`);
		names.add(service.node);
		nodes.push(resolveService(service, sdk, objects, problems));
	}
	// An entry in several versions of its node has the same problems in each.
	if (problems.length) throw new CatalogError([...new Set(problems)]);
	return nodes;
}
