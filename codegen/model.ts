import type { ColumnMethodsSpec } from '../src/resource-mapper';
import type { ActionSpec } from '../src/types';
import { callTableEntry } from './calltable';
import type { CatalogAction, CatalogService } from './catalog';
import { actionKey } from './catalog';
import { listSourceOf, loadObjects, searchMethodOf } from './objects';
import type { Property } from './properties';
import { nodeProperties } from './properties';
import type { ResolvedNode } from './resolve';
import { resolveCatalog } from './resolve';
import type { SdkDeclarations } from './sdk';
import { columnMethodsOf } from './mapper';
import { lowerFirst } from './text';
import type { NodeSurface } from './versions';
import { mergeProperties, mergeTables, surfaceOf } from './versions';

/** One module per resource: its operations, its fields and its part of the call table, every version merged. */
export interface ResourceModule {
	module: string;
	operationsName: string;
	fieldsName: string;
	actionsName: string;
	operations: Property[];
	fields: Property[];
	actions: Record<string, ActionSpec>;
}

/** What the templates print for one node. */
export interface NodeModel {
	className: string;
	nodeName: string;
	serviceClass: string;
	displayName: string;
	description: string;
	docs: string;
	icon: string;
	/** n8n's `version`: a number, or every version the node keeps. */
	version: number | number[];
	defaultVersion?: number;
	resourceProperties: Property[];
	/** The resources are not in n8n's alphabetical order (the main one leads), where n8n's lint would want it. */
	resourcesUnsorted: boolean;
	resources: ResourceModule[];
	sdkVersion: string;
	catalogFile: string;
	surface: NodeSurface;
	/** The editor methods for a node whose records have columns (the row mapper, the query builder's names). */
	columnMethods?: ColumnMethodsSpec;
	/** The node-appwrite classes the node imports: its service, and those its pickers list from. */
	sdkImports: string[];
	/** The pickers' list sources by list-search method (none: the node has no pickers). */
	listSources?: Record<string, Record<string, unknown>>;
}

/** n8n's lint wants the options of a field sorted by name from five options on. */
const LINT_SORTS_FROM = 5;

function unsortedForLint(properties: Property[]): boolean {
	return properties.some((property) => {
		const names = (property.options as Property[]).map((option) => String(option.name));
		const sorted = [...names].sort((a, b) => a.localeCompare(b));
		return names.length >= LINT_SORTS_FROM && names.join() !== sorted.join();
	});
}

export function buildNodeModel(node: ResolvedNode): NodeModel {
	const properties = nodeProperties(node);
	const versions = node.versions.map((version) => version.version);
	const current = versions[versions.length - 1];
	// The current version's resources in its order, then those only older versions have.
	const modules = [
		...new Set(
			[...node.versions]
				.reverse()
				.flatMap((version) =>
					version.resources
						.filter((resource) => resource.actions.length)
						.map((resource) => resource.value),
				),
		),
	];
	const resources = modules.map((value): ResourceModule => {
		const perVersion = node.versions.map((version) => ({
			version: version.version,
			module: properties
				.get(version.version)
				?.resources.find((resource) => resource.value === value),
			actions: version.resources.find((resource) => resource.value === value)?.actions ?? [],
		}));
		return {
			module: value,
			operationsName: `${value}Operations`,
			fieldsName: `${value}Fields`,
			actionsName: `${value}Actions`,
			operations: mergeProperties(
				perVersion.map(({ version, module }) => ({
					version,
					properties: module?.operations ?? [],
				})),
			),
			fields: mergeProperties(
				perVersion.map(({ version, module }) => ({ version, properties: module?.fields ?? [] })),
			),
			actions: mergeTables(
				perVersion.map(({ version, actions }) => ({
					version,
					table: Object.fromEntries(
						actions.map((action) => [action.key, callTableEntry(action, node.service)]),
					),
				})),
			),
		};
	});
	const resourceProperties = mergeProperties(
		[...properties].map(([version, described]) => ({ version, properties: [described.resource] })),
	);
	return {
		className: node.node,
		nodeName: lowerFirst(node.node),
		serviceClass: node.service,
		displayName: node.displayName,
		description: node.description,
		docs: node.docs,
		icon: node.icon,
		version: versions.length === 1 ? current : versions,
		defaultVersion: versions.length === 1 ? undefined : current,
		resourceProperties,
		resourcesUnsorted: unsortedForLint(resourceProperties),
		resources,
		sdkVersion: node.sdkVersion,
		catalogFile: node.file,
		columnMethods: columnMethodsOf(node),
		sdkImports: [
			...new Set([node.service, ...node.pickers.map((object) => object.list.service)]),
		].sort(),
		listSources: node.pickers.length
			? Object.fromEntries(
					node.pickers.map((object) => [searchMethodOf(object.kind), listSourceOf(object)]),
				)
			: undefined,
		surface: {
			node: lowerFirst(node.node),
			versions: Object.fromEntries(
				[...properties].map(([version, described]) => [String(version), surfaceOf(described)]),
			),
		},
	};
}

const resolved = new WeakMap<CatalogService, ResolvedNode>();

/** The call table entry of one catalog action, as the current version of its node runs it. */
export function actionSpec(
	service: CatalogService,
	action: CatalogAction,
	sdk: SdkDeclarations,
): ActionSpec {
	// With the catalog's object kinds, as generation resolves it: picker-only parents need their pickers.
	if (!resolved.has(service))
		resolved.set(service, resolveCatalog([service], sdk, loadObjects())[0]);
	const node = resolved.get(service) as ResolvedNode;
	const current = node.versions[node.versions.length - 1];
	const found = current.resources
		.flatMap((resource) => resource.actions)
		.find((entry) => entry.key === actionKey(action));
	if (!found)
		throw new Error(
			`${service.file}: no action ${actionKey(action)} in the current version of ${service.node}`,
		);
	return callTableEntry(found, service.service);
}
