/**
 * The editor's "From list" pickers: one generic search over a node-appwrite list method, with
 * Appwrite's own search text and cursor paging, and the IDs of parent pickers (a table's database)
 * passed on. A node offers a source as `methods.listSearch[name] = listSearchMethod(source)`.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import type { Client } from 'node-appwrite';
import { Databases, Functions, Query, Sites, Storage, TablesDB, Teams, Users } from 'node-appwrite';

import { connect } from './connect';
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
}

export type ListSearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

type SdkMethod = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
type ListRecord = Record<string, unknown>;

/** The containers an Appwrite ID usually points into, each searchable by name. */
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

function nameOf(record: ListRecord, label: readonly string[]): string {
	const field = label.find((name) => typeof record[name] === 'string' && record[name] !== '');
	return field ? String(record[field]) : String(record.$id);
}

/** The values of the source's parent parameters as SDK arguments; undefined while one is still empty. */
export function parentArguments(
	context: ILoadOptionsFunctions,
	source: ListSource,
): Record<string, string> | undefined {
	const args: Record<string, string> = {};
	for (const [sdkName, parameter] of Object.entries(source.parents ?? {})) {
		const value = context.getCurrentNodeParameter(parameter, { extractValue: true });
		if (typeof value !== 'string' || value.trim() === '') return undefined;
		args[sdkName] = value.trim();
	}
	return args;
}

/** One page of a source's records whose name or ID matches `filter`, and the token of the next page. */
export async function searchList(
	context: ILoadOptionsFunctions,
	source: ListSource,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const parents = parentArguments(context, source);
	if (!parents) return { results: [] };
	const { service, fail } = await connect(context, source.service);
	const queries = [Query.limit(PAGE_SIZE)];
	if (paginationToken) queries.push(Query.cursorAfter(paginationToken));
	const search = filter?.trim() ? { search: filter.trim() } : {};
	let page: Record<string, unknown>;
	try {
		const list = (service as Record<string, SdkMethod>)[source.method];
		page = await list.call(service, { ...parents, queries, ...search, total: false });
	} catch (error) {
		throw fail(error);
	}
	const records = Array.isArray(page[source.key]) ? (page[source.key] as ListRecord[]) : [];
	const last = records[records.length - 1];
	return {
		results: records.map((record) => ({
			name: nameOf(record, source.label),
			value: String(record.$id),
		})),
		paginationToken: records.length === PAGE_SIZE && last ? String(last.$id) : undefined,
	};
}

export function listSearchMethod(source: ListSource): ListSearchMethod {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
		return await searchList(this, source, filter, paginationToken);
	};
}
