import { SIMPLIFIED_METHODS, simplifyField } from '../src/simplify';
import type { OutputSpec, RecordKind } from '../src/types';
import type { Property, Show } from './properties';
import type { ResolvedAction } from './resolve';

/** The kind of record an action returns, when Simplify may reduce it (src/simplify.ts lists them). */
export function simplifiedKindOf(service: string, action: ResolvedAction): RecordKind | undefined {
	// Only reads: a write that reads its record back (Users → Create) returns the record as written.
	if (action.output.kind !== 'object' && action.output.kind !== 'list') return undefined;
	if (action.steps.length !== 1) return undefined;
	return SIMPLIFIED_METHODS[`${service}.${action.steps[0].method}`];
}

/** The action's output, saying which kind of record its Simplify switch reduces. */
export function simplifiedOutput(service: string, action: ResolvedAction): OutputSpec {
	const kind = simplifiedKindOf(service, action);
	return kind ? ({ ...action.output, simplify: kind } as OutputSpec) : action.output;
}

/** An action's fields with the Simplify switch, before Additional Fields, where its records are wide. */
export function withSimplify(
	service: string,
	action: ResolvedAction,
	fields: Property[],
	show: Show,
): Property[] {
	const kind = simplifiedKindOf(service, action);
	if (!kind) return fields;
	const simplify: Property = { ...simplifyField(kind), displayOptions: { show } };
	const at = fields.findIndex((field) => field.name === 'additionalFields');
	return at < 0 ? [...fields, simplify] : [...fields.slice(0, at), simplify, ...fields.slice(at)];
}
