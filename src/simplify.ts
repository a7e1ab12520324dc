/**
 * Simplify: an opt-in, reduced shape of the wide records Appwrite returns. Each kind of record
 * drops a fixed list of fields (access rules, storage internals, secrets' hashes, bulky logs), so
 * the result is the same for every record of that kind and documented in the README.
 */
import type { INodeProperties } from 'n8n-workflow';

import { NODE_FIELDS } from './descriptions';
import type { RecordKind } from './types';

/** The fields each kind drops, in the order the README lists them. */
export const SIMPLIFIED_AWAY: Readonly<Record<RecordKind, readonly string[]>> = {
	row: ['$permissions', '$sequence', '$databaseId', '$tableId'],
	document: ['$permissions', '$sequence', '$databaseId', '$collectionId'],
	user: ['password', 'hash', 'hashOptions', 'targets', 'impersonator', 'impersonatorUserId'],
	file: [
		'$permissions',
		'signature',
		'sizeActual',
		'chunksTotal',
		'chunksUploaded',
		'encryption',
		'compression',
	],
	execution: ['$permissions', 'requestHeaders', 'responseHeaders'],
	deployment: [
		'buildId',
		'buildLogs',
		'screenshotLight',
		'screenshotDark',
		'providerRepositoryUrl',
		'providerCommitAuthorUrl',
		'providerCommitUrl',
		'providerBranchUrl',
	],
};

/** The node-appwrite methods (`Service.method`) whose records Simplify may reduce, and their kind. */
export const SIMPLIFIED_METHODS: Readonly<Record<string, RecordKind>> = {
	'TablesDB.getRow': 'row',
	'TablesDB.listRows': 'row',
	'Databases.getDocument': 'document',
	'Databases.listDocuments': 'document',
	'Users.get': 'user',
	'Users.list': 'user',
	'Storage.getFile': 'file',
	'Storage.listFiles': 'file',
	'Functions.getExecution': 'execution',
	'Functions.listExecutions': 'execution',
	'Sites.getLog': 'execution',
	'Sites.listLogs': 'execution',
	'Functions.getDeployment': 'deployment',
	'Functions.listDeployments': 'deployment',
	'Sites.getDeployment': 'deployment',
	'Sites.listDeployments': 'deployment',
};

/** A record without its kind's dropped fields; anything that is not a record is left as it is. */
export function simplifyRecord(kind: RecordKind, record: unknown): unknown {
	if (record === null || typeof record !== 'object' || Array.isArray(record)) return record;
	const dropped = new Set(SIMPLIFIED_AWAY[kind]);
	return Object.fromEntries(Object.entries(record).filter(([key]) => !dropped.has(key)));
}

/** The Simplify switch of an action returning records of this kind. */
export function simplifyField(kind: RecordKind): INodeProperties {
	return {
		displayName: 'Simplify',
		name: NODE_FIELDS.simplify,
		type: 'boolean',
		default: false,
		description: `Whether to return a reduced ${kind === 'execution' ? 'execution or log' : kind}, without ${SIMPLIFIED_AWAY[kind].join(', ')}`,
	};
}
