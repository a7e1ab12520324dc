import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type TS from 'typescript';

/** The broad type of an SDK parameter, enough to check a catalog kind against. */
export type SdkShape =
	| 'string'
	| 'number'
	| 'integer'
	| 'boolean'
	| 'string[]'
	| 'enum'
	| 'enum[]'
	| 'object[]'
	| 'file'
	| 'object'
	| 'unknown';

/** One parameter of a node-appwrite method, as its object-style overload declares it. */
export interface SdkParam {
	name: string;
	required: boolean;
	/** The declared type as written, e.g. `string[]` or `Browser`. */
	typeText: string;
	/** `integer` is `number | bigint`: whole numbers, exact beyond 2^53 as a BigInt. */
	shape: SdkShape;
	/** API values of an enum type. */
	enumValues?: string[];
	/** The enum's member names, in the same order as the values. */
	enumKeys?: string[];
	/** The method puts it in the URL path (`/users/{userId}`), not in the query string or body. */
	inPath: boolean;
	/**
	 * The compiled method refuses a call without it ("Missing required parameter"), which some
	 * declarations mark optional (e.g. `xdefault` of the attribute and column updates).
	 */
	checked: boolean;
	description: string;
}

export interface SdkMethod {
	service: string;
	name: string;
	params: SdkParam[];
	/** Top-level property names of the resolved result, e.g. `total` and `users` for a list. */
	resultProperties: string[];
	/** For each list in the result, the property names of its records, e.g. `users` → `$id`, `name`, … */
	itemProperties: Record<string, string[]>;
	returnsBinary: boolean;
	/** The replacement named by `@deprecated`, or true when deprecated without one. */
	deprecated?: string | true;
	description: string;
}

export const PINNED_SDK_DIR = path.resolve(__dirname, '..', 'node_modules', 'node-appwrite');

/** The TypeScript compiler, loaded only when the declarations are parsed rather than read from the cache. */
let ts: typeof TS;

function parse(file: string): TS.SourceFile {
	return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The module each imported name comes from, e.g. `Browser` → `../enums/browser.js`. */
function importsOf(source: TS.SourceFile): Map<string, string> {
	const imports = new Map<string, string>();
	for (const statement of source.statements) {
		if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier))
			continue;
		const bindings = statement.importClause?.namedBindings;
		if (!bindings || !ts.isNamedImports(bindings)) continue;
		for (const element of bindings.elements)
			imports.set(element.name.text, statement.moduleSpecifier.text);
	}
	return imports;
}

function jsDocOf(
	node: TS.Node,
	source: TS.SourceFile,
): { description: string; tags: Map<string, string[]> } {
	const tags = new Map<string, string[]>();
	let description = '';
	for (const doc of ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc)) {
		description = (ts.getTextOfJSDocComment(doc.comment) ?? '').trim();
		for (const tag of doc.tags ?? []) {
			const text = tag
				.getText(source)
				.replace(/^@\w+\s*/, '')
				.replace(/\s*\*\s*$/, '')
				.trim();
			tags.set(tag.tagName.text, [...(tags.get(tag.tagName.text) ?? []), text]);
		}
	}
	return { description, tags };
}

function paramDescriptions(tags: Map<string, string[]>): Map<string, string> {
	const descriptions = new Map<string, string>();
	for (const text of tags.get('param') ?? []) {
		const match = /^(?:\{[^}]*\}\s*)?params\.(\w+)\s*-?\s*([\s\S]*)$/.exec(text);
		if (match) descriptions.set(match[1], match[2].replace(/\s*\n\s*\*?\s*/g, ' ').trim());
	}
	return descriptions;
}

/** What the compiled JavaScript of a method says of its parameters, beyond the declarations. */
interface CallFacts {
	/** Those it puts in its URL path. */
	inPath: Set<string>;
	/** Those it refuses to be called without. */
	checked: Set<string>;
}

/** The call facts of each method of a service, read from its compiled JavaScript. */
function callFactsOf(jsFile: string): Map<string, CallFacts> {
	const text = readFileSync(jsFile, 'utf8');
	const methods = new Map<string, CallFacts>();
	const starts = [...text.matchAll(/^ {2}(\w+)\([^)]*\) \{$/gm)];
	starts.forEach((start, index) => {
		const body = text.slice(start.index, starts[index + 1]?.index ?? text.length);
		const apiPath = /const apiPath = "[^"]*"((?:\.replace\("\{\w+\}", \w+\))*);/.exec(body);
		const inPath = [...(apiPath?.[1] ?? '').matchAll(/\.replace\("\{\w+\}", (\w+)\)/g)];
		const checked = [...body.matchAll(/Missing required parameter: "(\w+)"/g)];
		methods.set(start[1], {
			inPath: new Set(inPath.map((match) => match[1])),
			checked: new Set(checked.map((match) => match[1])),
		});
	});
	return methods;
}

/** Type parameters in scope, by name, with their constraints. */
type Scope = Map<string, TS.TypeNode | undefined>;

interface Member {
	name: string;
	type?: TS.TypeNode;
	scope: Scope;
}

function constraintsOf(parameters: readonly TS.TypeParameterDeclaration[] | undefined): Scope {
	return new Map(
		(parameters ?? []).map((parameter) => [parameter.name.text, parameter.constraint] as const),
	);
}

interface ServiceFile {
	source: TS.SourceFile;
	imports: Map<string, string>;
	overloads: Map<string, TS.MethodDeclaration[]>;
	callFacts: Map<string, CallFacts>;
}

/**
 * Parses node-appwrite's declaration files, each once, without a type checker: the SDK's
 * declarations are plain enough (type literals, enums, `Models.*` aliases) to read by their
 * syntax, and the path of each method from its compiled JavaScript.
 */
class DeclarationReader {
	readonly version: string;
	private readonly serviceModules = new Map<string, string>();
	private readonly files = new Map<string, ServiceFile>();
	private readonly enums = new Map<string, Pick<SdkParam, 'enumValues' | 'enumKeys'> | undefined>();
	private readonly methods = new Map<string, SdkMethod | undefined>();
	private models?: Map<string, TS.TypeAliasDeclaration>;

	constructor(
		private readonly packageDir: string,
		version: string,
	) {
		ts ??= createRequire(__filename)('typescript') as typeof TS;
		this.version = version;
		const index = parse(path.join(packageDir, 'dist', 'index.d.ts'));
		for (const statement of index.statements) {
			if (
				!ts.isExportDeclaration(statement) ||
				!statement.moduleSpecifier ||
				!ts.isStringLiteral(statement.moduleSpecifier)
			)
				continue;
			if (!statement.moduleSpecifier.text.startsWith('./services/') || !statement.exportClause)
				continue;
			if (!ts.isNamedExports(statement.exportClause)) continue;
			for (const element of statement.exportClause.elements) {
				this.serviceModules.set(
					element.name.text,
					statement.moduleSpecifier.text.replace(/\.js$/, ''),
				);
			}
		}
	}

	/** Every service class node-appwrite exports, e.g. Users, TablesDB. */
	serviceNames(): string[] {
		return [...this.serviceModules.keys()].sort();
	}

	hasService(service: string): boolean {
		return this.serviceModules.has(service);
	}

	methodNames(service: string): string[] {
		return [...(this.serviceFile(service)?.overloads.keys() ?? [])];
	}

	method(service: string, name: string): SdkMethod | undefined {
		const key = `${service}.${name}`;
		if (!this.methods.has(key)) {
			const file = this.serviceFile(service);
			const overloads = file?.overloads.get(name);
			this.methods.set(
				key,
				file && overloads ? this.readMethod(service, file, overloads) : undefined,
			);
		}
		return this.methods.get(key);
	}

	private serviceFile(service: string): ServiceFile | undefined {
		const module = this.serviceModules.get(service);
		if (!module) return undefined;
		if (!this.files.has(service)) {
			const base = path.join(this.packageDir, 'dist', module);
			const source = parse(`${base}.d.ts`);
			const overloads = new Map<string, TS.MethodDeclaration[]>();
			for (const statement of source.statements) {
				if (!ts.isClassDeclaration(statement) || statement.name?.text !== service) continue;
				for (const member of statement.members) {
					if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
					overloads.set(member.name.text, [...(overloads.get(member.name.text) ?? []), member]);
				}
			}
			this.files.set(service, {
				source,
				imports: importsOf(source),
				overloads,
				callFacts: callFactsOf(`${base}.js`),
			});
		}
		return this.files.get(service);
	}

	private readMethod(
		service: string,
		file: ServiceFile,
		overloads: TS.MethodDeclaration[],
	): SdkMethod {
		// The object-style overload takes one parameter named `params`; a method without parameters has only one overload.
		const declaration =
			overloads.find(
				(overload) => overload.parameters[0]?.name.getText(file.source) === 'params',
			) ??
			overloads.find((overload) => overload.parameters.length === 0) ??
			overloads[0];
		const name = declaration.name.getText(file.source);
		const { description, tags } = jsDocOf(declaration, file.source);
		const descriptions = paramDescriptions(tags);
		const facts = file.callFacts.get(name) ?? { inPath: new Set(), checked: new Set() };
		const params: SdkParam[] = [];
		const paramsType =
			declaration.parameters[0]?.name.getText(file.source) === 'params'
				? declaration.parameters[0].type
				: undefined;
		if (paramsType) {
			if (!ts.isTypeLiteralNode(paramsType))
				throw new Error(`${service}.${name}: params is not a type literal`);
			for (const member of paramsType.members) {
				if (!ts.isPropertySignature(member)) continue;
				const memberName = member.name.getText(file.source);
				const typeText = member.type?.getText(file.source) ?? 'unknown';
				params.push({
					name: memberName,
					required: !member.questionToken,
					typeText,
					...this.shapeOf(member.type, typeText, file),
					inPath: facts.inPath.has(memberName),
					checked: facts.checked.has(memberName),
					description: descriptions.get(memberName) ?? '',
				});
			}
		}
		const returned = declaration.type;
		const resolved =
			returned && ts.isTypeReferenceNode(returned) && returned.typeArguments?.length === 1
				? returned.typeArguments[0]
				: returned;
		const deprecatedText = (tags.get('deprecated') ?? []).find(
			(text) => !/object parameter style/.test(text),
		);
		const members = resolved
			? this.membersOf(resolved, constraintsOf(declaration.typeParameters))
			: [];
		const itemProperties: Record<string, string[]> = {};
		for (const member of members) {
			if (member.type && ts.isArrayTypeNode(member.type)) {
				itemProperties[member.name] = this.membersOf(member.type.elementType, member.scope).map(
					(item) => item.name,
				);
			}
		}
		return {
			service,
			name,
			params,
			resultProperties: members.map((member) => member.name),
			itemProperties,
			returnsBinary: Boolean(resolved?.getText(file.source).includes('ArrayBuffer')),
			deprecated:
				deprecatedText === undefined ? undefined : (/`([\w.]+)`/.exec(deprecatedText)?.[1] ?? true),
			description,
		};
	}

	private enumOf(
		type: TS.TypeNode,
		file: ServiceFile,
	): Pick<SdkParam, 'enumValues' | 'enumKeys'> | undefined {
		if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
		const module = file.imports.get(type.typeName.text);
		if (!module?.startsWith('../enums/')) return undefined;
		const enumFile = path.join(
			this.packageDir,
			'dist',
			'enums',
			`${path.basename(module, '.js')}.d.ts`,
		);
		if (!this.enums.has(enumFile)) {
			const declaration = parse(enumFile).statements.find(ts.isEnumDeclaration);
			const members = declaration?.members ?? [];
			this.enums.set(
				enumFile,
				declaration && {
					enumValues: members.map((member) =>
						member.initializer && ts.isStringLiteral(member.initializer)
							? member.initializer.text
							: '',
					),
					enumKeys: members.map((member) => member.name.getText()),
				},
			);
		}
		return this.enums.get(enumFile);
	}

	private shapeOf(
		type: TS.TypeNode | undefined,
		typeText: string,
		file: ServiceFile,
	): Pick<SdkParam, 'shape' | 'enumValues' | 'enumKeys'> {
		if (!type) return { shape: 'unknown' };
		const enumType = this.enumOf(type, file);
		if (enumType) return { shape: 'enum', ...enumType };
		if (ts.isArrayTypeNode(type)) {
			const elementEnum = this.enumOf(type.elementType, file);
			if (elementEnum) return { shape: 'enum[]', ...elementEnum };
			return {
				shape: type.elementType.kind === ts.SyntaxKind.StringKeyword ? 'string[]' : 'object[]',
			};
		}
		if (/InputFile|\bFile\b|Blob/.test(typeText)) return { shape: 'file' };
		if (typeText === 'number | bigint') return { shape: 'integer' };
		switch (type.kind) {
			case ts.SyntaxKind.StringKeyword:
				return { shape: 'string' };
			case ts.SyntaxKind.NumberKeyword:
				return { shape: 'number' };
			case ts.SyntaxKind.BooleanKeyword:
				return { shape: 'boolean' };
			case ts.SyntaxKind.TypeReference:
			case ts.SyntaxKind.FunctionType:
			case ts.SyntaxKind.AnyKeyword:
				return { shape: 'object' };
			default:
				// `object` and conditional types: something JSON-like the SDK does not describe further.
				return { shape: 'unknown' };
		}
	}

	/** Property names of a result type: a type literal, a `Models.*` alias, a type parameter's constraint, or what a union's members share. */
	/**
	 * The members of a result type, each with its type and the type parameters in scope: a type
	 * literal, a `Models.*` alias, a type parameter's constraint, or what a union's members share.
	 */
	private membersOf(type: TS.TypeNode, scope: Scope): Member[] {
		if (ts.isTypeLiteralNode(type)) {
			return type.members.flatMap((member) =>
				member.name && ts.isPropertySignature(member)
					? [{ name: member.name.getText(member.getSourceFile()), type: member.type, scope }]
					: [],
			);
		}
		if (ts.isIntersectionTypeNode(type)) {
			const members = type.types.flatMap((part) => this.membersOf(part, scope));
			return members.filter(
				(member, index) => members.findIndex((other) => other.name === member.name) === index,
			);
		}
		if (ts.isUnionTypeNode(type)) {
			const [first, ...rest] = type.types.map((part) => this.membersOf(part, scope));
			return first.filter((member) =>
				rest.every((other) => other.some((entry) => entry.name === member.name)),
			);
		}
		if (ts.isParenthesizedTypeNode(type)) return this.membersOf(type.type, scope);
		if (!ts.isTypeReferenceNode(type)) return [];
		const name = type.typeName.getText(type.getSourceFile());
		const constraint = scope.get(name);
		if (constraint) return this.membersOf(constraint, new Map());
		const model = this.model(name.replace(/^Models\./, ''));
		return model ? this.membersOf(model.type, constraintsOf(model.typeParameters)) : [];
	}

	private model(name: string): TS.TypeAliasDeclaration | undefined {
		if (!this.models) {
			this.models = new Map();
			const source = parse(path.join(this.packageDir, 'dist', 'models.d.ts'));
			const namespace = source.statements.find(ts.isModuleDeclaration);
			const body =
				namespace?.body && ts.isModuleBlock(namespace.body) ? namespace.body.statements : [];
			for (const statement of body) {
				if (ts.isTypeAliasDeclaration(statement)) this.models.set(statement.name.text, statement);
			}
		}
		return this.models.get(name);
	}
}

const CACHE_DIR = path.resolve(__dirname, '..', 'node_modules', '.cache', 'appwrite-codegen');

/** Changes whenever the package's files or this reader change. */
function fingerprintOf(packageDir: string, version: string): string {
	const dist = path.join(packageDir, 'dist');
	const files = ['index.d.ts', 'models.d.ts', 'services', 'enums'].flatMap((entry) =>
		statSync(path.join(dist, entry)).isDirectory()
			? readdirSync(path.join(dist, entry)).map((name) => path.join(entry, name))
			: [entry],
	);
	const stamps = files.map((file) => {
		const stat = statSync(path.join(dist, file));
		return `${file}:${stat.size}:${stat.mtimeMs}`;
	});
	return createHash('sha256')
		.update(
			JSON.stringify([path.resolve(packageDir), version, readFileSync(__filename, 'utf8'), stamps]),
		)
		.digest('hex')
		.slice(0, 16);
}

/** Writes a cache file whole or not at all: tests in parallel may write the same one. */
function writeAtomically(file: string, value: unknown): void {
	mkdirSync(path.dirname(file), { recursive: true });
	const staging = `${file}.${process.pid}`;
	writeFileSync(staging, JSON.stringify(value));
	renameSync(staging, file);
}

function readJson<T>(file: string): T | undefined {
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/**
 * node-appwrite's declarations, the ground truth the catalog is checked against. Each service is
 * parsed once per package version, when first asked for, and kept in node_modules/.cache (one
 * file per service), so generation need not parse it again.
 */
export class SdkDeclarations {
	readonly version: string;
	private readonly cacheDir: string;
	private readonly services: string[];
	private readonly methods = new Map<string, Map<string, SdkMethod>>();
	private reader?: DeclarationReader;

	constructor(private readonly packageDir = PINNED_SDK_DIR) {
		this.version = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
		this.cacheDir = path.join(
			CACHE_DIR,
			`sdk-${this.version}-${fingerprintOf(packageDir, this.version)}`,
		);
		const index = path.join(this.cacheDir, 'services.json');
		this.services = readJson<string[]>(index) ?? this.parsed().serviceNames();
		if (!existsSync(index)) writeAtomically(index, this.services);
	}

	/** Every service class node-appwrite exports, e.g. Users, TablesDB. */
	serviceNames(): string[] {
		return [...this.services];
	}

	hasService(service: string): boolean {
		return this.services.includes(service);
	}

	methodNames(service: string): string[] {
		return [...(this.methodsOf(service)?.keys() ?? [])];
	}

	method(service: string, name: string): SdkMethod | undefined {
		return this.methodsOf(service)?.get(name);
	}

	private methodsOf(service: string): Map<string, SdkMethod> | undefined {
		if (!this.hasService(service)) return undefined;
		if (!this.methods.has(service)) {
			const file = path.join(this.cacheDir, `${service}.json`);
			let methods = readJson<SdkMethod[]>(file);
			if (!methods) {
				const reader = this.parsed();
				methods = reader
					.methodNames(service)
					.map((name) => reader.method(service, name) as SdkMethod);
				writeAtomically(file, methods);
			}
			this.methods.set(service, new Map(methods.map((method) => [method.name, method])));
		}
		return this.methods.get(service);
	}

	private parsed(): DeclarationReader {
		this.reader ??= new DeclarationReader(this.packageDir, this.version);
		return this.reader;
	}
}
