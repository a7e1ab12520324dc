import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { ClassDeclaration, MethodDeclaration, Type } from 'ts-morph';
import { Node, Project } from 'ts-morph';

/** One parameter of a node-appwrite method, as its object-style overload declares it. */
export interface SdkParam {
	name: string;
	required: boolean;
	/** The declared type as written, e.g. `string[]` or `Browser`. */
	typeText: string;
	/** Broad type, enough to check a catalog kind against. */
	shape: 'string' | 'number' | 'boolean' | 'string[]' | 'enum' | 'enum[]' | 'object[]' | 'file' | 'object' | 'unknown';
	/** API values of an enum type. */
	enumValues?: string[];
	/** The enum's member names, in the same order as the values. */
	enumKeys?: string[];
	description: string;
}

export interface SdkMethod {
	service: string;
	name: string;
	params: SdkParam[];
	/** Top-level property names of the resolved result, e.g. `total` and `users` for a list. */
	resultProperties: string[];
	returnsBinary: boolean;
	/** The replacement named by `@deprecated`, or true when deprecated without one. */
	deprecated?: string | true;
	description: string;
}

export const PINNED_SDK_DIR = path.resolve(__dirname, '..', 'node_modules', 'node-appwrite');

function jsDocOf(method: MethodDeclaration): { description: string; tags: Map<string, string[]> } {
	const tags = new Map<string, string[]>();
	let description = '';
	for (const doc of method.getJsDocs()) {
		description = doc.getDescription().trim();
		for (const tag of doc.getTags()) {
			const list = tags.get(tag.getTagName()) ?? [];
			list.push(tag.getText().replace(/^@\w+\s*/, '').replace(/\s*\*\s*$/, '').trim());
			tags.set(tag.getTagName(), list);
		}
	}
	return { description, tags };
}

function enumOf(type: Type): Pick<SdkParam, 'enumValues' | 'enumKeys'> | undefined {
	const declaration = type.getSymbol()?.getDeclarations()[0];
	if (declaration && Node.isEnumDeclaration(declaration)) {
		const members = declaration.getMembers();
		return { enumValues: members.map((member) => String(member.getValue())), enumKeys: members.map((member) => member.getName()) };
	}
	return undefined;
}

function shapeOf(type: Type, typeText: string): Pick<SdkParam, 'shape' | 'enumValues' | 'enumKeys'> {
	const nonNull = type.getNonNullableType();
	const enumType = enumOf(nonNull);
	if (enumType) return { shape: 'enum', ...enumType };
	if (nonNull.isArray()) {
		const element = nonNull.getArrayElementTypeOrThrow();
		const elementEnum = enumOf(element);
		if (elementEnum) return { shape: 'enum[]', ...elementEnum };
		if (element.isString()) return { shape: 'string[]' };
		return { shape: 'object[]' };
	}
	if (nonNull.isString() || nonNull.isStringLiteral()) return { shape: 'string' };
	if (nonNull.isNumber()) return { shape: 'number' };
	if (nonNull.isBoolean()) return { shape: 'boolean' };
	if (typeText === 'File' || typeText === 'InputFile' || /InputFile|\bFile\b|Blob/.test(typeText)) return { shape: 'file' };
	if (nonNull.isObject() || nonNull.isAny() || nonNull.isIntersection() || nonNull.isUnion()) return { shape: 'object' };
	return { shape: 'unknown' };
}

function paramDescriptions(tags: Map<string, string[]>): Map<string, string> {
	const descriptions = new Map<string, string>();
	for (const text of tags.get('param') ?? []) {
		const match = /^(?:\{[^}]*\}\s*)?params\.(\w+)\s*-?\s*([\s\S]*)$/.exec(text);
		if (match) match[2] = match[2].replace(/\s*\n\s*\*?\s*/g, ' ');
		if (match) descriptions.set(match[1], match[2].trim());
	}
	return descriptions;
}

function readMethod(service: string, overloads: MethodDeclaration[]): SdkMethod {
	// The object-style overload takes one parameter named `params`; a method without parameters has only one overload.
	const objectStyle =
		overloads.find((overload) => overload.getParameters()[0]?.getName() === 'params') ??
		overloads.find((overload) => overload.getParameters().length === 0) ??
		overloads[0];
	const { description, tags } = jsDocOf(objectStyle);
	const descriptions = paramDescriptions(tags);
	const params: SdkParam[] = [];
	const paramsNode = objectStyle.getParameters()[0];
	if (paramsNode?.getName() === 'params') {
		const typeNode = paramsNode.getTypeNodeOrThrow();
		if (!Node.isTypeLiteral(typeNode)) throw new Error(`${service}.${objectStyle.getName()}: params is not a type literal`);
		for (const member of typeNode.getProperties()) {
			const typeText = member.getTypeNode()?.getText() ?? 'unknown';
			params.push({
				name: member.getName(),
				required: !member.hasQuestionToken(),
				typeText,
				...shapeOf(member.getType(), typeText),
				description: descriptions.get(member.getName()) ?? '',
			});
		}
	}
	const returnType = objectStyle.getReturnType();
	const resolved = returnType.getTypeArguments()[0] ?? returnType;
	const deprecatedText = (tags.get('deprecated') ?? []).find((text) => !/object parameter style/.test(text));
	const replacement = deprecatedText === undefined ? undefined : (/`([\w.]+)`/.exec(deprecatedText)?.[1] ?? true);
	return {
		service,
		name: objectStyle.getName(),
		params,
		resultProperties: resolved.getProperties().map((property) => property.getName()),
		returnsBinary: resolved.getText().includes('ArrayBuffer'),
		deprecated: replacement,
		description,
	};
}

/** Reads node-appwrite's own type declarations, the ground truth the catalog is checked against. */
export class SdkDeclarations {
	private readonly project: Project;
	private readonly classes = new Map<string, ClassDeclaration | undefined>();
	private readonly methods = new Map<string, SdkMethod | undefined>();
	private pathTemplates?: Map<string, string[]>;

	constructor(private readonly packageDir = PINNED_SDK_DIR) {
		this.project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { strict: true } });
		this.project.addSourceFileAtPath(path.join(packageDir, 'dist', 'index.d.ts'));
		this.project.resolveSourceFileDependencies();
	}

	get version(): string {
		return JSON.parse(readFileSync(path.join(this.packageDir, 'package.json'), 'utf8')).version;
	}

	serviceClass(service: string): ClassDeclaration | undefined {
		if (!this.classes.has(service)) {
			const index = this.project.getSourceFiles().find((file) => file.getFilePath().endsWith('/dist/index.d.ts'));
			const declaration = index?.getExportedDeclarations().get(service)?.[0];
			this.classes.set(service, declaration && Node.isClassDeclaration(declaration) ? declaration : undefined);
		}
		return this.classes.get(service);
	}

	method(service: string, name: string): SdkMethod | undefined {
		const key = `${service}.${name}`;
		if (!this.methods.has(key)) {
			const overloads = this.serviceClass(service)
				?.getMethods()
				.filter((method) => method.getName() === name)
				.flatMap((method) => [method, ...method.getOverloads()]);
			this.methods.set(key, overloads && overloads.length > 0 ? readMethod(service, overloads) : undefined);
		}
		return this.methods.get(key);
	}

	/**
	 * Parameters the method puts in its URL path (`userId` in `/users/{userId}`). The declarations do
	 * not say, so read the path templates from the SDK's built services.
	 */
	pathParams(service: string, method: string): string[] {
		if (!this.pathTemplates) {
			this.pathTemplates = new Map();
			const dir = path.join(this.packageDir, 'dist', 'services');
			for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
				let owner = '';
				let current = '';
				for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
					owner = /^class (\w+) \{/.exec(line)?.[1] ?? owner;
					const name = /^ {2}(\w+)\(.*\) \{$/.exec(line)?.[1];
					if (name) current = `${owner}.${name}`;
					const template = /^ {4}const apiPath = "([^"]*)"/.exec(line)?.[1];
					if (template !== undefined) {
						this.pathTemplates.set(current, [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
					}
				}
			}
		}
		return this.pathTemplates.get(`${service}.${method}`) ?? [];
	}

	/** Every service class node-appwrite exports, e.g. Users, TablesDB. */
	serviceNames(): string[] {
		return this.project
			.getSourceFiles()
			.filter((file) => file.getFilePath().includes('/dist/services/'))
			.flatMap((file) => file.getClasses().map((declaration) => declaration.getName() ?? ''))
			.filter(Boolean)
			.sort();
	}

	methodNames(service: string): string[] {
		const names = this.serviceClass(service)?.getMethods().map((method) => method.getName()) ?? [];
		return [...new Set(names)].filter((name) => name !== 'constructor');
	}
}
