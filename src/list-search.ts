/**
 * The editor's "From list" pickers: one generic search over a node-appwrite list method, with
 * Appwrite's own search text (or a query on a field, or a filter of the page) and paging, and the
 * IDs of parent pickers (a table's database) passed on. A node offers a source as
 * `methods.listSearch[name] = listSearchMethod(source)`; generated nodes print their sources from
 * spec/catalog/_objects.yaml and take them all with `listSearchMethods`.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Client } from 'node-appwrite';
import {
	AppwriteException,
	Databases,
	Functions,
	Query,
	Sites,
	Storage,
	TablesDB,
	Teams,
	Users,
} from 'node-appwrite';

import { connect } from './connect';
import { rootCause } from './errors';
import { PAGE_SIZE } from './pagination';

export interface ListSource {
	/** The node-appwrite service and its list method, e.g. TablesDB and `listTables`. */
	service: new (client: Client) => object;
	method: string;
	/** Key of the records in the answer, e.g. `tables`. */
	key: string;
	/** Record fields tried in turn for the name shown; the ID when all are empty. */
	label: readonly string[];
	/** SDK arguments taken from other parameters of the node: SDK name → parameter name. */
	parents?: Readonly<Record<string, string>>;
	/**
	 * The parents' field labels, by parameter name: while one is empty the search asks for it by
	 * name (a picker-only parent is optional, so nothing else says the list needs it). Without
	 * them (the triggers' pickers, which offer "Any"), an empty parent gives an empty list.
	 */
	parentLabels?: Readonly<Record<string, string>>;
	/** The record field holding the ID (`$id` unless given; a column's is `key`). */
	id?: string;
	/**
	 * How the typed text searches: the list method's `search` argument (the default), a
	 * `Query.startsWith` on a field, or `local`: the page's records whose name or ID contains it.
	 */
	search?: 'arg' | 'local' | { startsWith: string };
	/** Appwrite's cursor (the default), an offset, or none: one answer holds every record. */
	paging?: 'cursor' | 'offset' | 'none';
	/** The API key scope the list needs, named when Appwrite refuses it. */
	scope?: string;
	/** What one record is, plural, for messages: "tables". */
	plural?: string;
}

export type ListSearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

type SdkMethod = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
type ListRecord = Record<string, unknown>;

/** The containers an Appwrite ID usually points into, each searchable by name (the triggers' pickers). */
export const APPWRITE_LISTS = {
	databases: { service: TablesDB, method: 'list', key: 'databases', label: ['name'] },
	tables: {
		service: TablesDB,
		method: 'listTables',
		key: 'tables',
		label: ['name'],
		parents: { databaseId: 'databaseId' },
	},
	legacyDatabases: { service: Databases, method: 'list', key: 'databases', label: ['name'] },
	collections: {
		service: Databases,
		method: 'listCollections',
		key: 'collections',
		label: ['name'],
		parents: { databaseId: 'databaseId' },
	},
	buckets: { service: Storage, method: 'listBuckets', key: 'buckets', label: ['name'] },
	functions: { service: Functions, method: 'list', key: 'functions', label: ['name'] },
	sites: { service: Sites, method: 'list', key: 'sites', label: ['name'] },
	teams: { service: Teams, method: 'list', key: 'teams', label: ['name'] },
	users: { service: Users, method: 'list', key: 'users', label: ['name', 'email', 'phone'] },
} as const satisfies Record<string, ListSource>;

/** `Name (id)`, or the ID alone when every label field is empty. */
function nameOf(record: ListRecord, source: ListSource): string {
	const id = String(record[source.id ?? '$id']);
	const field = source.label.find(
		(name) => typeof record[name] === 'string' && record[name] !== '',
	);
	const label = field ? String(record[field]) : '';
	return label && label !== id ? `${label} (${id})` : id;
}

function parentValue(context: ILoadOptionsFunctions, parameter: string): string | undefined {
	const value = context.getCurrentNodeParameter(parameter, { extractValue: true });
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The values of the source's parent parameters as SDK arguments; undefined while one is still empty. */
export function parentArguments(
	context: ILoadOptionsFunctions,
	source: ListSource,
): Record<string, string> | undefined {
	const args: Record<string, string> = {};
	for (const [sdkName, parameter] of Object.entries(source.parents ?? {})) {
		const value = parentValue(context, parameter);
		if (value === undefined) return undefined;
		args[sdkName] = value;
	}
	return args;
}

/** The search's answer while a parent is empty: which field to fill in first, when the source can name it. */
function emptyParent(context: ILoadOptionsFunctions, source: ListSource): INodeListSearchResult {
	const empty = Object.values(source.parents ?? {}).find(
		(parameter) => parentValue(context, parameter) === undefined,
	);
	const label = empty && source.parentLabels?.[empty];
	if (!label) return { results: [] };
	throw new NodeOperationError(
		context.getNode(),
		`Fill in ${label} first: the ${source.plural ?? 'records'} to pick from depend on it`,
	);
}

/** The list call's arguments for one page: paging and search as queries or the search argument. */
function listArguments(
	source: ListSource,
	text: string,
	paginationToken?: string,
): Record<string, unknown> {
	const paging = source.paging ?? 'cursor';
	const search = source.search ?? 'arg';
	const queries: string[] = [];
	if (paging !== 'none') queries.push(Query.limit(PAGE_SIZE));
	if (paging === 'cursor' && paginationToken) queries.push(Query.cursorAfter(paginationToken));
	if (paging === 'offset' && paginationToken) queries.push(Query.offset(Number(paginationToken)));
	if (typeof search === 'object' && text) queries.push(Query.startsWith(search.startsWith, text));
	return {
		...(queries.length ? { queries } : {}),
		...(search === 'arg' && text ? { search: text } : {}),
		total: false,
	};
}

/** The token of the page after `records`, when this one was full. */
function nextToken(
	source: ListSource,
	records: ListRecord[],
	paginationToken?: string,
): string | undefined {
	const last = records[records.length - 1];
	if (records.length < PAGE_SIZE || !last) return undefined;
	if (source.paging === 'none') return undefined;
	if (source.paging === 'offset') return String(Number(paginationToken ?? 0) + records.length);
	return String(last.$id);
}

/** Appwrite refused the list for a missing scope: say which, and that By ID needs none. */
function missingScope(
	context: ILoadOptionsFunctions,
	source: ListSource,
	error: unknown,
): NodeOperationError | undefined {
	const cause = rootCause(error);
	if (!(cause instanceof AppwriteException) || cause.type !== 'general_unauthorized_scope')
		return undefined;
	// A key Appwrite does not know makes the caller a guest, who lacks every scope: not this case.
	if (/\(role: guests\)/i.test(cause.message)) return undefined;
	// Appwrite names the scopes it missed: `… missing scopes (["tables.read"])`.
	const named = /missing scopes? \(\[([^\]]*)\]\)/.exec(cause.message)?.[1]?.replace(/"/g, '');
	const scope = named || source.scope;
	if (!scope) return undefined;
	const what = source.plural ?? 'these records';
	return new NodeOperationError(
		context.getNode(),
		`The API key lacks the scope ${scope}, needed to list ${what}`,
		{
			description: `The API key lacks the scope ${scope}. Add it to the key in the Appwrite console (Overview → Integrations → API keys), or choose By ID: the node itself then needs only the scopes of its action.`,
		},
	);
}

/** One page of a source's records whose name or ID matches `filter`, and the token of the next page. */
export async function searchList(
	context: ILoadOptionsFunctions,
	source: ListSource,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const parents = parentArguments(context, source);
	if (!parents) return emptyParent(context, source);
	const { service, fail } = await connect(context, source.service);
	const text = filter?.trim() ?? '';
	let page: Record<string, unknown>;
	try {
		const list = (service as Record<string, SdkMethod>)[source.method];
		page = await list.call(service, {
			...parents,
			...listArguments(source, text, paginationToken),
		});
	} catch (error) {
		throw missingScope(context, source, error) ?? fail(error);
	}
	const records = Array.isArray(page[source.key]) ? (page[source.key] as ListRecord[]) : [];
	const results = records.map((record) => ({
		name: nameOf(record, source),
		value: String(record[source.id ?? '$id']),
	}));
	const wanted = text.toLowerCase();
	return {
		results:
			source.search === 'local' && wanted
				? results.filter((result) => result.name.toLowerCase().includes(wanted))
				: results,
		paginationToken: nextToken(source, records, paginationToken),
	};
}

export function listSearchMethod(source: ListSource): ListSearchMethod {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
		return await searchList(this, source, filter, paginationToken);
	};
}

/** A generated node's list searches, one per source, under their method names. */
export function listSearchMethods(
	sources: Record<string, ListSource>,
): Record<string, ListSearchMethod> {
	return Object.fromEntries(
		Object.entries(sources).map(([name, source]) => [name, listSearchMethod(source)]),
	);
}
