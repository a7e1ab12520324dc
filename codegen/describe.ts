import { LIST_KINDS } from '../src/types';
import { KINDS } from './kinds';
import type { ResolvedParam } from './resolve';
import { joinSentences } from './text';

/**
 * A field's description (its tooltip) is read by the person building the workflow and, copied into
 * a `$fromAI()` description, by the AI agent that fills the field when the node is a tool. Either
 * must learn from it alone what the value is, what leaving it empty does and which values are
 * allowed. The catalog says what the value is; the facts below follow from the kind and the place
 * of the field, so they are said here, once, in the same words everywhere.
 */

/** Said of every `number | bigint` parameter, which the runtime sends exactly. */
const INTEGER_NOTE =
	'A whole number; beyond 2^53, give it as text from an expression to keep every digit.';

export const EMPTY_NOTES = {
	generated: 'Leave empty to generate a unique ID',
	notSent: 'Left empty, it is not sent to Appwrite',
	emptyList: 'Left empty, an empty list is sent',
	valueOrNull: 'Left empty, the item fails before any request unless Set to Null is on',
} as const;

/** What an empty value does, for the fields that can be left empty. */
export function emptyNoteOf(param: ResolvedParam): string | undefined {
	// Neither is ever sent, so leaving one empty changes no request (pickerOnlyNoteOf says so).
	if (param.selector || param.pickerOnly) return undefined;
	if (KINDS[param.kind].generated) return EMPTY_NOTES.generated;
	if (param.required) return undefined;
	if (param.valueOrNull) return EMPTY_NOTES.valueOrNull;
	// An optional list shown up front and left empty is not given; added under Additional Fields, it is a value.
	if (LIST_KINDS.has(param.kind))
		return param.location === 'top' ? EMPTY_NOTES.notSent : EMPTY_NOTES.emptyList;
	// Other fields that can be empty at all (a number, a switch or a choice always holds a value) are
	// read as not given when empty (src/inputs.ts).
	return KINDS[param.kind].emptyUpFront === undefined ? undefined : EMPTY_NOTES.notSent;
}

/** Long lists (countries, time zones, runtimes) are named by their size and a few examples. */
const LISTED_IN_FULL = 20;

/** The values an expression or an agent may give a choice, by value (what Appwrite receives). */
export function allowedValuesNoteOf(param: ResolvedParam): string | undefined {
	if (param.selector || !param.options?.length) return undefined;
	const values = param.options.map((option) => String(option.value));
	const list =
		values.length <= LISTED_IN_FULL
			? values.join(', ')
			: `one of the ${values.length} in the list, e.g. ${values.slice(0, 3).join(', ')}`;
	return param.kind === 'multiOptions'
		? `Allowed values, any of them as a list: ${list}`
		: `Allowed values: ${list}`;
}

/** What a picker-only field is for: the pickers it narrows; that it is never sent. */
export function pickerOnlyNoteOf(param: ResolvedParam): string | undefined {
	if (!param.pickerOnly || !param.narrows?.length) return undefined;
	const nouns = param.narrows.map((noun) => `the ${noun}`);
	const picked = [nouns.slice(0, -1).join(', '), nouns[nouns.length - 1]].filter(Boolean);
	return `Only helps pick ${picked.join(' and ')} From List; it is not sent to Appwrite`;
}

/** The catalog's description, then how the kind is read, what empty means and which values are allowed. */
export function descriptionOf(param: ResolvedParam): string {
	return joinSentences(
		param.description,
		pickerOnlyNoteOf(param),
		KINDS[param.kind].note,
		param.sdk?.shape === 'integer' ? INTEGER_NOTE : undefined,
		allowedValuesNoteOf(param),
		emptyNoteOf(param),
	);
}
