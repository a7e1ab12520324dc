/**
 * Builds the OpenAPI document that the local Appwrite stand-in (Prism) serves.
 *
 * Input: the vendored, official Appwrite 1.8.x server spec (never modified on disk).
 * Output: a rewritten copy, so that the real `node-appwrite` SDK, pointed at
 * `http://127.0.0.1:PORT/v1`, gets the answers a real Appwrite server would give: JSON
 * objects and real arrays on success, Appwrite-shaped errors on failure, bytes from the
 * binary endpoints. Every rewrite below is a small, data-driven pass with the reason it exists.
 *
 * Pure: `buildStandInSpec` only reads the source file and returns a new object.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const VENDORED_SPEC_PATH = resolve(
	__dirname,
	'../../spec/appwrite/open-api3-1.8.x-server.json',
);

/** Every path is served under this prefix, exactly like a real server (`<endpoint>/v1/...`). */
export const BASE_PATH = '/v1';

/**
 * The bodies the binary (`x-appwrite.type: location`) endpoints return.
 *
 * Prism writes a string example to the socket as UTF-8 and has no way to express raw bytes,
 * so only byte sequences that are valid UTF-8 can be served. A PNG cannot: its signature
 * starts with 0x89. The image endpoints therefore return a complete 1x1 GIF89a whose 29 bytes
 * are all below 0x80 (no colour table, so no high bytes), labelled with the `image/png` media
 * type the SDK asks for. Files return a short text. Tests can compare against these exactly.
 */
export const STANDIN_BINARY = {
	image: Buffer.from(
		'GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;',
		'latin1',
	),
	file: Buffer.from('Appwrite stand-in file body\n', 'utf8'),
} as const;

type Json = any; // the spec is untyped JSON; this file only walks and patches it

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const JSON_MEDIA = 'application/json';

/**
 * Path segment → Appwrite error-type prefix, used to make 404/409 examples look like the
 * server's own (`user_not_found`, `storage_file_already_exists`, ...). Names follow Appwrite's
 * error catalogue (`app/config/errors.php`); unknown segments are skipped.
 */
const RESOURCE_BY_SEGMENT: Record<string, string> = {
	users: 'user',
	sessions: 'user_session',
	identities: 'user_identity',
	targets: 'user_target',
	authenticators: 'user_authenticator',
	teams: 'team',
	memberships: 'membership',
	buckets: 'storage_bucket',
	files: 'storage_file',
	functions: 'function',
	sites: 'site',
	deployments: 'deployment',
	executions: 'execution',
	variables: 'variable',
	logs: 'log',
	databases: 'database',
	tablesdb: 'database',
	collections: 'collection',
	documents: 'document',
	attributes: 'attribute',
	indexes: 'index',
	tables: 'table',
	rows: 'row',
	columns: 'column',
	transactions: 'transaction',
	providers: 'provider',
	topics: 'topic',
	subscribers: 'subscriber',
	messages: 'message',
	tokens: 'token',
	avatars: 'avatar',
};

export function buildStandInSpec(source: string = VENDORED_SPEC_PATH): Json {
	const spec: Json = JSON.parse(readFileSync(source, 'utf8'));
	const version = String(spec.info?.version ?? '1.8.1');

	fixErrorSchema(spec, version);
	fixModelExamples(spec);
	// GraphQL answers with the `any` model, whose only example (`[]`) the repair drops; give it a body.
	if (spec.components?.schemas?.any) spec.components.schemas.any.example = { data: {} };
	for (const [path, method, op] of operations(spec)) {
		splitSecurity(op);
		addOptionalJsonBody(method, op);
		offerJsonForMultipartResponses(op);
		addBinaryBody(op);
		addErrorResponses(path, op, version);
	}
	prefixPaths(spec);
	return spec;
}

/** Writes the rewritten spec into `dir` (created if needed); returns the file path and the spec. */
export function writeStandInSpec(
	dir: string,
	source: string = VENDORED_SPEC_PATH,
): { file: string; spec: Json } {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'appwrite-standin.openapi.json');
	const spec = buildStandInSpec(source);
	writeFileSync(file, JSON.stringify(spec));
	return { file, spec };
}

function* operations(spec: Json): Generator<[string, string, Json]> {
	for (const [path, item] of Object.entries<Json>(spec.paths ?? {})) {
		for (const method of HTTP_METHODS) if (item[method]) yield [path, method, item[method]];
	}
}

/**
 * WHY: Prism serves paths at the root and ignores the base path in `servers`, while the SDK
 * (and our nodes) call `<endpoint>/v1/...` as against a real server. Prefixing every path lets
 * tests use the same endpoint shape a user types: `http://127.0.0.1:PORT/v1`.
 */
function prefixPaths(spec: Json): void {
	spec.paths = Object.fromEntries(
		Object.entries(spec.paths).map(([path, item]) => [BASE_PATH + path, item]),
	);
	spec.servers = [
		{ url: BASE_PATH, description: 'Appwrite stand-in (Prism); paths already carry /v1' },
	];
}

/**
 * WHY: each operation lists one security requirement object such as {Project, Session, Key, JWT};
 * by OpenAPI rules that means ALL of those headers at once, so Prism answered 401 to any SDK
 * call with just a project and a key. Appwrite means "Project plus any one of the others":
 * turn it into alternatives [{Project, Key}, {Project, Session}, {Project, JWT}].
 */
function splitSecurity(op: Json): void {
	if (!Array.isArray(op.security) || op.security.length !== 1) return;
	const schemes = Object.keys(op.security[0]);
	if (!schemes.includes('Project') || schemes.length <= 2) return;
	op.security = schemes
		.filter((s) => s !== 'Project')
		.map((other) => ({ Project: [], [other]: [] }));
}

/**
 * WHY: the SDK sends `content-type: application/json` and the body `{}` on every non-GET
 * call, even when the operation has no parameters in the body (deleteSession, deleteFile,
 * graphql...). With no requestBody declared Prism answers 415; declare an optional empty-object
 * JSON body instead, which is what a real server accepts.
 */
function addOptionalJsonBody(method: string, op: Json): void {
	if (method === 'get' || method === 'head' || op.requestBody) return;
	op.requestBody = { required: false, content: { [JSON_MEDIA]: { schema: { type: 'object' } } } };
}

/**
 * WHY: functions.createExecution declares its 201 response only as multipart/form-data while the
 * SDK asks for application/json (Prism: 406). Offer the same schema as JSON too.
 */
function offerJsonForMultipartResponses(op: Json): void {
	for (const response of Object.values<Json>(op.responses ?? {})) {
		const content = response.content;
		if (!content || content[JSON_MEDIA]) continue;
		const types = Object.keys(content);
		if (types.length > 0 && types.every((t) => t === 'multipart/form-data')) {
			// JSON first: for `accept: */*` Prism serves the first media type, and it cannot write a multipart body.
			response.content = { [JSON_MEDIA]: { ...content['multipart/form-data'] }, ...content };
		}
	}
}

/**
 * WHY: Prism answers from examples (it turns `x-example` into a JSON-schema example), and many of
 * the spec's model examples contradict their own schema: list models say {"total": 5, "users": ""}
 * (a string where the array belongs), `function.execute` is "users" instead of ["users"],
 * `mfaType.secret` is `true`, `execution.requestHeaders` items lack `name`/`value`, `any` is `[]`.
 * Served verbatim, lists came back with "" for their items, and with --errors the rest become 500s.
 * Rule: check each model's property examples and then its whole example against the model's
 * schema; wrap a scalar example of a scalar array (`"users"` → `["users"]`), and drop any other
 * example the schema rejects. Prism then builds that part from the item schema's own example,
 * e.g. a real array of user objects.
 */
function fixModelExamples(spec: Json): void {
	const schemas: Record<string, Json> = spec.components?.schemas ?? {};
	for (const schema of Object.values<Json>(schemas)) {
		for (const property of Object.values<Json>(schema.properties ?? {})) {
			for (const keyword of ['x-example', 'example']) {
				if (!(keyword in property)) continue;
				const value = property[keyword];
				if (conforms(value, property, schemas)) continue;
				if (
					property.type === 'array' &&
					value !== '' &&
					!Array.isArray(value) &&
					conforms([value], property, schemas)
				) {
					property[keyword] = [value];
				} else {
					delete property[keyword];
				}
			}
		}
		if ('example' in schema && !conforms(schema.example, schema, schemas)) delete schema.example;
	}
}

/**
 * Does `value` fit `schema`? Covers the keywords Appwrite's models use (type, nullable, enum,
 * properties, required, items, $ref, anyOf/oneOf); formats are not checked. A dozen lines here
 * instead of Ajv: compiling ~1,000 sub-schemas with Ajv took over a second per Prism start.
 */
function conforms(value: unknown, schema: Json, schemas: Record<string, Json>): boolean {
	if (!schema || typeof schema !== 'object') return true;
	if (typeof schema.$ref === 'string')
		return conforms(value, schemas[schema.$ref.split('/').pop()!], schemas);
	if (value === null)
		return schema.nullable === true || schema['x-nullable'] === true || schema.type === undefined;
	const alternatives = schema.anyOf ?? schema.oneOf;
	if (
		Array.isArray(alternatives) &&
		!alternatives.some((alt: Json) => conforms(value, alt, schemas))
	)
		return false;
	if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
	switch (schema.type) {
		case 'string':
			return typeof value === 'string';
		case 'boolean':
			return typeof value === 'boolean';
		case 'number':
			return typeof value === 'number';
		case 'integer':
			return Number.isInteger(value);
		case 'array':
			return Array.isArray(value) && value.every((item) => conforms(item, schema.items, schemas));
		case 'object': {
			if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
			const record = value as Record<string, unknown>;
			if ((schema.required ?? []).some((name: string) => !(name in record))) return false;
			return Object.entries<Json>(schema.properties ?? {}).every(
				([name, property]) => !(name in record) || conforms(record[name], property, schemas),
			);
		}
		default:
			return true;
	}
}

/**
 * WHY: `components.schemas.error` types `code` as a string ("404"), but a real server sends the
 * HTTP status as a number and the SDK reads it that way. Our error examples use numbers, and
 * Prism checks responses against the schema, so the schema must say integer.
 */
function fixErrorSchema(spec: Json, version: string): void {
	const error = spec.components?.schemas?.error;
	if (!error) return;
	error.properties.code = { ...error.properties.code, type: 'integer', 'x-example': 404 };
	error.properties.version = { ...error.properties.version, 'x-example': version };
	error.example = { message: 'Not found', code: 404, type: 'general_route_not_found', version };
}

/**
 * WHY: operations declare only their success responses. Without error responses Prism invents
 * RFC 7807 problem+json bodies (no Appwrite `type`, message = raw JSON) and `Prefer: code=404`
 * cannot be used. Declare 400/401/404/409/429/500 with the error schema and an Appwrite-shaped
 * example, so a request the spec rejects yields {message, code: 400, type, version}, a missing key
 * yields 401 general_unauthorized_scope, and a test can ask for any of them with `Prefer: code=N`.
 * Limit: on the image endpoints the SDK sends `accept: image/png` or `image/*`, which these JSON
 * errors do not match, so there `Prefer: code=N` falls back to the 200 image (file downloads send
 * `*\/*` and do get the error). Request violations still answer the JSON 400 everywhere.
 */
function addErrorResponses(path: string, op: Json, version: string): void {
	const scopes = [op['x-appwrite']?.scope ?? []].flat().filter(Boolean);
	const examples: Record<number, { message: string; type: string }> = {
		400: {
			message:
				'Invalid request: the Appwrite stand-in (Prism) rejected it against the Appwrite spec. ' +
				'The violations are in the stand-in output and the sl-violations response header.',
			type: 'general_argument_invalid',
		},
		401: {
			message: `User (role: guests) missing scopes (${JSON.stringify(scopes)})`,
			type: 'general_unauthorized_scope',
		},
		404: notFound(path),
		409: conflict(path),
		429: {
			message:
				'Rate limit for the current endpoint has been exceeded. Please try again after some time.',
			type: 'general_rate_limit_exceeded',
		},
		500: { message: 'An internal server error occurred.', type: 'general_server_error' },
	};
	op.responses ??= {};
	for (const [code, { message, type }] of Object.entries(examples)) {
		if (op.responses[code]) continue;
		op.responses[code] = {
			description: `Error (${type})`,
			content: {
				[JSON_MEDIA]: {
					schema: { $ref: '#/components/schemas/error' },
					example: { message, code: Number(code), type, version },
				},
			},
		};
	}
}

/** 404: the resource named by the last path parameter must exist (`/users/{userId}/sessions` → user). */
function notFound(path: string): { message: string; type: string } {
	const segments = path.split('/').filter(Boolean);
	const lastParam = segments.map((s) => s.startsWith('{')).lastIndexOf(true);
	const resource = lastParam < 0 ? undefined : resourceBefore(segments, lastParam);
	if (!resource) {
		return {
			message: 'The requested route was not found. Please refer to the API docs and try again.',
			type: 'general_route_not_found',
		};
	}
	return {
		message: `${humanise(resource)} with the requested ID could not be found.`,
		type: `${resource}_not_found`,
	};
}

/** 409: the resource being created is the last known collection segment (`/storage/buckets/{id}/files` → file). */
function conflict(path: string): { message: string; type: string } {
	const segments = path.split('/').filter(Boolean);
	const resource = resourceBefore(segments, segments.length) ?? 'document';
	return {
		message: `${humanise(resource)} with the requested ID already exists.`,
		type: `${resource}_already_exists`,
	};
}

function resourceBefore(segments: string[], index: number): string | undefined {
	for (let i = index - 1; i >= 0; i--) {
		const resource = RESOURCE_BY_SEGMENT[segments[i]];
		if (resource) return resource;
	}
	return undefined;
}

function humanise(resource: string): string {
	const words = resource.replace(/^storage_/, '').replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * WHY: the 13 binary endpoints declare `200` with no content at all, so Prism answered with an
 * empty body and the SDK got `ArrayBuffer(0)`. Declare the media type the SDK asks for (avatars
 * and previews send `accept: image/png` or `image/*`, files and deployments `*\/*`) with a small
 * example body, so the SDK receives real bytes (see STANDIN_BINARY for what Prism can serve).
 */
function addBinaryBody(op: Json): void {
	if (op['x-appwrite']?.type !== 'location') return;
	const ok = op.responses?.['200'];
	if (!ok || ok.content) return;
	const isImage = /image/i.test(String(ok.description)) || op.operationId?.startsWith('avatars');
	const [media, bytes] = isImage
		? ['image/png', STANDIN_BINARY.image]
		: ['application/octet-stream', STANDIN_BINARY.file];
	ok.content = {
		[media]: { schema: { type: 'string', format: 'binary' }, example: bytes.toString('latin1') },
	};
}
