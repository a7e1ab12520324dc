import { readFileSync } from 'node:fs';

/** One SDK-facing operation of an Appwrite server spec, in the 1.8.x or the 1.9.x format. */
export interface SpecOperation {
	/** Service name as node-appwrite spells it (tag `tablesDB` → `TablesDB`). */
	service: string;
	method: string;
	httpMethod: string;
	path: string;
	params: Map<string, { required: boolean; type: string; enum?: string[] }>;
	deprecated?: string | true;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped OpenAPI JSON

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Enum values in either format: `enum` (1.8.x) or `oneOf` of single-value enums (1.9.x). */
function enumOf(schema: Json | undefined): string[] | undefined {
	const target = schema?.type === 'array' ? schema.items : schema;
	if (Array.isArray(target?.enum)) return target.enum.map(String);
	if (
		Array.isArray(target?.oneOf) &&
		target.oneOf.every((entry: Json) => Array.isArray(entry.enum))
	) {
		return target.oneOf.flatMap((entry: Json) => entry.enum.map(String));
	}
	return undefined;
}

function typeOf(schema: Json | undefined): string {
	if (!schema) return 'unknown';
	if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
	if (schema.format === 'binary') return 'file';
	return String(schema.type ?? (schema.oneOf ? 'string' : 'object'));
}

function serviceName(tag: string, services: readonly string[]): string {
	return (
		services.find((service) => service.toLowerCase() === tag.toLowerCase()) ??
		tag.charAt(0).toUpperCase() + tag.slice(1)
	);
}

/** Reads every server operation, one entry per SDK method name (aliases included). */
export function readSpec(file: string, services: readonly string[]): SpecOperation[] {
	const spec: Json = JSON.parse(readFileSync(file, 'utf8'));
	const operations: SpecOperation[] = [];
	for (const [path, item] of Object.entries<Json>(spec.paths ?? {})) {
		for (const httpMethod of HTTP_METHODS) {
			const op: Json | undefined = item[httpMethod];
			if (!op) continue;
			const extension: Json = op['x-appwrite'] ?? {};
			if (Array.isArray(extension.platforms) && !extension.platforms.includes('server')) continue;
			const tag = String(op.tags?.[0] ?? '');
			const params: SpecOperation['params'] = new Map();
			for (const param of op.parameters ?? []) {
				if (param.in === 'header') continue;
				params.set(param.name, {
					required: Boolean(param.required),
					type: typeOf(param.schema),
					enum: enumOf(param.schema),
				});
			}
			const body =
				op.requestBody?.content?.['application/json']?.schema ??
				op.requestBody?.content?.['multipart/form-data']?.schema;
			for (const [name, schema] of Object.entries<Json>(body?.properties ?? {})) {
				params.set(name, {
					required: (body.required ?? []).includes(name),
					type: typeOf(schema),
					enum: enumOf(schema),
				});
			}
			const deprecatedBy = (value: Json | boolean | undefined) =>
				value
					? typeof value === 'object' && value.replaceWith
						? String(value.replaceWith)
						: true
					: undefined;
			// 1.8.x names the method in x-appwrite.method; 1.9.x only in operationId, as <tag><Method>.
			const method =
				extension.method ?? String(op.operationId ?? '').replace(new RegExp(`^${tag}`, 'i'), '');
			const base = { service: serviceName(tag, services), httpMethod, path };
			const variants: Json[] = extension.methods ?? [];
			if (variants.length === 0) {
				operations.push({
					...base,
					method: method.charAt(0).toLowerCase() + method.slice(1),
					params,
					deprecated: deprecatedBy(extension.deprecated) ?? (op.deprecated ? true : undefined),
				});
			}
			for (const variant of variants) {
				const names: string[] = variant.parameters ?? [...params.keys()];
				operations.push({
					...base,
					method: variant.name,
					params: new Map(
						names
							.filter((name) => params.has(name))
							.map((name) => [
								name,
								{ ...params.get(name)!, required: (variant.required ?? []).includes(name) },
							]),
					),
					deprecated: deprecatedBy(variant.deprecated),
				});
			}
		}
	}
	return operations;
}
