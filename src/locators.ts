import type { INodePropertyMode } from 'n8n-workflow';

import { APPWRITE_ID_PATTERN } from './descriptions';

/** Appwrite's rule for IDs (APPWRITE_ID_PATTERN) in words, for error messages and descriptions. */
export const APPWRITE_ID_RULE =
	'up to 36 characters a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a special character';

/**
 * The modes of a generated node's picker of an Appwrite object: From List (the node's searchable,
 * paged list search `searchMethod`), By URL where the console shows the object on a page of its
 * own (`…/<urlSegment>-<ID>`), and By ID; each checks the ID by Appwrite's rules. The same for
 * every field naming a `noun`, so the generated fields call this rather than repeat it.
 */
export function locatorModes(
	noun: string,
	searchMethod: string,
	urlSegment?: string,
): INodePropertyMode[] {
	const list: INodePropertyMode = {
		displayName: 'From List',
		name: 'list',
		type: 'list',
		placeholder: `Select a ${noun}...`,
		typeOptions: { searchListMethod: searchMethod, searchable: true },
	};
	const byId: INodePropertyMode = {
		displayName: 'By ID',
		name: 'id',
		type: 'string',
		placeholder: `${noun.replace(/ /g, '-')}-id`,
		validation: [
			{
				type: 'regex',
				properties: {
					regex: APPWRITE_ID_PATTERN,
					errorMessage: `Not an Appwrite ID: ${APPWRITE_ID_RULE}`,
				},
			},
		],
	};
	if (urlSegment === undefined) return [list, byId];
	const segment = `/${urlSegment}-(${APPWRITE_ID_PATTERN})`;
	const byUrl: INodePropertyMode = {
		displayName: 'By URL',
		name: 'url',
		type: 'string',
		placeholder: `https://cloud.appwrite.io/console/project-fra-myproject/.../${urlSegment}-...`,
		validation: [
			{
				type: 'regex',
				properties: {
					regex: `https?://.+${segment}(?:[/?#].*)?`,
					errorMessage: `Not the console URL of a ${noun}: it has .../${urlSegment}-<ID> in its path`,
				},
			},
		],
		extractValue: { type: 'regex', regex: `${segment}(?:[/?#]|$)` },
	};
	return [list, byUrl, byId];
}
