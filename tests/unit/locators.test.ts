import { describe, expect, it } from 'vitest';

import { locatorModes } from '../../src/locators';

// What the generator printed at every picker before the modes came from one definition
// (generated/nodes/AppwriteStorage/resources/file.ts, bucketId): n8n must be shown the same.
const BUCKET_MODES = [
	{
		displayName: 'From List',
		name: 'list',
		type: 'list',
		placeholder: 'Select a bucket...',
		typeOptions: { searchListMethod: 'searchBucket', searchable: true },
	},
	{
		displayName: 'By URL',
		name: 'url',
		type: 'string',
		placeholder: 'https://cloud.appwrite.io/console/project-fra-myproject/.../bucket-...',
		validation: [
			{
				type: 'regex',
				properties: {
					regex: 'https?://.+/bucket-([A-Za-z0-9][A-Za-z0-9._-]{0,35})(?:[/?#].*)?',
					errorMessage: 'Not the console URL of a bucket: it has .../bucket-<ID> in its path',
				},
			},
		],
		extractValue: {
			type: 'regex',
			regex: '/bucket-([A-Za-z0-9][A-Za-z0-9._-]{0,35})(?:[/?#]|$)',
		},
	},
	{
		displayName: 'By ID',
		name: 'id',
		type: 'string',
		placeholder: 'bucket-id',
		validation: [
			{
				type: 'regex',
				properties: {
					regex: '[A-Za-z0-9][A-Za-z0-9._-]{0,35}',
					errorMessage:
						'Not an Appwrite ID: up to 36 characters a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a special character',
				},
			},
		],
	},
];

describe('locatorModes', () => {
	it('gives a kind with a console page From List, By URL and By ID, as the generated pickers had them', () => {
		expect(locatorModes('bucket', 'searchBucket', 'bucket')).toEqual(BUCKET_MODES);
	});

	it('gives a kind without a console page From List and By ID only, its placeholder hyphenated', () => {
		expect(locatorModes('file token', 'searchFileToken')).toEqual([
			{
				...BUCKET_MODES[0],
				placeholder: 'Select a file token...',
				typeOptions: { searchListMethod: 'searchFileToken', searchable: true },
			},
			{ ...BUCKET_MODES[2], placeholder: 'file-token-id' },
		]);
	});
});
