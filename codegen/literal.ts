/**
 * A reference to a runtime export, printed as `code` (its name, or an expression using it) and
 * imported by the generated module as `importName`.
 */
export class Verbatim {
	/** `value` is what the code stands for, for the generator's own reading (the surface snapshot). */
	constructor(
		readonly code: string,
		readonly value: unknown,
		readonly importName = code,
	) {}
}

/**
 * A call of the runtime function `fn`, exported as `name`: printed as the call with `args`, its
 * value the very result the generated module gets, so the generator never restates what it returns.
 */
export function runtimeCall<Args extends unknown[]>(
	name: string,
	fn: (...args: Args) => unknown,
	...args: Args
): Verbatim {
	const printed = [...args];
	while (printed.length && printed[printed.length - 1] === undefined) printed.pop();
	return new Verbatim(`${name}(${printed.map(literal).join(', ')})`, fn(...args), name);
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
	if (value instanceof Verbatim) found.add(value.importName);
	else if (value !== null && typeof value === 'object')
		for (const entry of Object.values(value)) referencesIn(entry, found);
	return found;
}
