import type { ActionSpec, ParamSpec } from '../src/types';
import { mappedInputOf } from './mapper';
import type { ResolvedAction, ResolvedParam } from './resolve';
import { simplifiedOutput } from './simplify';

function paramSpec(param: ResolvedParam, service: string, action: ResolvedAction): ParamSpec {
	return {
		name: param.name,
		label: param.label,
		kind: param.kind,
		location: param.location,
		required: param.required,
		values:
			param.kind === 'options' || param.kind === 'multiOptions'
				? param.options?.map((option) => option.value)
				: undefined,
		showWhen: param.showWhen,
		inPath: param.sdk?.inPath || undefined,
		nullable: param.nullable || undefined,
		valueOrNull: param.valueOrNull || undefined,
		integer: param.sdk?.shape === 'integer' || undefined,
		mapped: mappedInputOf(service, action, param),
		locator: param.locator ? true : undefined,
	};
}

/** The runtime's entry for one action: what to read, which SDK methods to call with which arguments, and how to output. */
export function callTableEntry(action: ResolvedAction, service: string): ActionSpec {
	// Selectors go first: the runtime needs their values to know which fields apply. Picker-only
	// fields serve the editor's lists alone: the runtime never reads them.
	const params = action.params
		.filter((param) => !param.pickerOnly)
		.sort((a, b) => Number(b.selector) - Number(a.selector));
	return {
		params: params.map((param) => paramSpec(param, service, action)),
		steps: action.steps.map((step) => ({ method: step.method, args: step.args, when: step.when })),
		output: simplifiedOutput(service, action),
		readBack: action.readBack,
	};
}
