/** A reference to a runtime export, printed as its name and imported by the generated module. */
export class Verbatim {
	/** `value` is what the name stands for, for the generator's own reading (the surface snapshot). */
	constructor(
		readonly code: string,
		readonly value: unknown,
	) {}
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Prints a value as a TypeScript literal on one line, keeping key order, so the output is as
 * deterministic as the value; prettier lays it out afterwards.
 */
export function literal(value: unknown): string {
	if (value instanceof Verbatim) return value.code;
	if (value === undefined) return 'undefined';
	if (value === null || typeof value !== 'object') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
	const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
	return `{ ${entries.map(([key, entry]) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${literal(entry)}`).join(', ')} }`;
}

/** The runtime exports a printed value refers to. */
export function referencesIn(value: unknown, found = new Set<string>()): Set<string> {
	if (value instanceof Verbatim) found.add(value.code);
	else if (value !== null && typeof value === 'object')
		for (const entry of Object.values(value)) referencesIn(entry, found);
	return found;
}
