/**
 * `npm run pickers:coverage`: per node, the parameters naming an existing Appwrite object of a
 * listable kind (spec/catalog/_objects.yaml) that have a picker, of all such parameters, in the
 * version new workflows get; and each one without, with the parent its kind's list needs.
 * Picker-only fields (never sent; they only narrow another picker) are not parameters of the
 * actions, so they are counted apart.
 */
import { loadCatalog } from '../codegen/catalog';
import { loadObjects } from '../codegen/objects';
import { resolveCatalog } from '../codegen/resolve';
import { SdkDeclarations } from '../codegen/sdk';

const objects = loadObjects();
const nodes = resolveCatalog(loadCatalog(), new SdkDeclarations(), objects);
let covered = 0;
let total = 0;
let pickerOnly = 0;
for (const node of nodes) {
	const current = node.versions[node.versions.length - 1];
	const named = current.resources.flatMap((resource) =>
		resource.actions.flatMap((action) =>
			action.params
				.filter((param) => param.names && !param.pickerOnly)
				.map((param) => ({ action, param })),
		),
	);
	pickerOnly += current.resources
		.flatMap((resource) => resource.actions)
		.flatMap((action) => action.params.filter((param) => param.pickerOnly)).length;
	if (named.length === 0) continue;
	const withLocator = named.filter(({ param }) => param.locator).length;
	covered += withLocator;
	total += named.length;
	console.log(`${node.node}: ${withLocator}/${named.length}`);
	for (const { action, param } of named.filter(({ param }) => !param.locator)) {
		const parents = objects.find((object) => object.kind === param.names)?.parents ?? [];
		const missing = parents.filter(
			(parent) => !action.params.some((other) => other.name === parent),
		);
		console.log(
			`  without: ${action.key} ${param.name} (listing ${param.names} needs ${missing.join(', ')}, which the action does not have)`,
		);
	}
}
console.log(`pickers: ${covered}/${total} ID parameters of listable objects have a locator`);
console.log(`picker-only fields (never sent, narrowing those pickers): ${pickerOnly}`);
