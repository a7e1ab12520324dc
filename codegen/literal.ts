/** Code printed as is, for references to the runtime's shared descriptions. */
export class Verbatim {
	constructor(readonly code: string) {}
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_LINE = 110;

function quote(text: string): string {
	const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
	// Like prettier: single quotes, unless the text has some and no double quotes.
	if (text.includes("'") && !text.includes('"')) return `"${escaped}"`;
	return `'${escaped.replace(/'/g, "\\'")}'`;
}

function key(name: string): string {
	return IDENTIFIER.test(name) ? name : quote(name);
}

function inline(value: unknown): string {
	if (value === undefined) return 'undefined';
	if (value instanceof Verbatim) return value.code;
	if (value === null || typeof value !== 'object') return typeof value === 'string' ? quote(value) : String(value);
	if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
	const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
	if (entries.length === 0) return '{}';
	return `{ ${entries.map(([name, entry]) => `${key(name)}: ${inline(entry)}`).join(', ')} }`;
}

/**
 * Prints a value as a TypeScript literal the way a person would format it: on one line when it
 * fits, otherwise one entry per line with tabs and trailing commas. Key order is kept, so the
 * output is as deterministic as the value.
 */
export function literal(value: unknown, depth = 0, prefixLength = 0): string {
	const flat = inline(value);
	if (value === null || typeof value !== 'object' || value instanceof Verbatim || depth * 4 + prefixLength + flat.length <= MAX_LINE) return flat;
	const indent = '\t'.repeat(depth + 1);
	const close = '\t'.repeat(depth);
	if (Array.isArray(value)) {
		return `[\n${value.map((entry) => `${indent}${literal(entry, depth + 1)},\n`).join('')}${close}]`;
	}
	const lines = Object.entries(value)
		.filter(([, entry]) => entry !== undefined)
		.map(([name, entry]) => `${indent}${key(name)}: ${literal(entry, depth + 1, key(name).length + 2)},\n`);
	return `{\n${lines.join('')}${close}}`;
}
