import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A server API key for one Appwrite project. The nodes talk to Appwrite through node-appwrite;
 * n8n checks the credential with the nodes' `testedBy` function, which explains failures in plain
 * words. (A `test` request here would take precedence in n8n 2.x and hide those explanations.)
 */
export class AppwriteApi implements ICredentialType {
	name = 'appwriteApi';

	displayName = 'Appwrite API';

	icon = { light: 'file:appwrite.svg', dark: 'file:appwrite.dark.svg' } as const;

	documentationUrl = 'https://appwrite.io/docs/advanced/security/api-keys';

	properties: INodeProperties[] = [
		{
			displayName: 'API Endpoint',
			name: 'endpoint',
			type: 'string',
			default: 'https://cloud.appwrite.io/v1',
			placeholder: 'https://appwrite.example.com/v1',
			description:
				'Your Appwrite API endpoint, as shown in the console under Settings. With or without the trailing /v1.',
			required: true,
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'A server API key of the project, with the scopes the workflows need',
			required: true,
		},
		{
			displayName: 'Allow Self-Signed Certificates',
			name: 'selfSigned',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept a TLS certificate that no trusted authority signed, as on many self-hosted servers',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description:
				'How long to wait for a connection, for an answer, and for each pause while an answer arrives, before the item fails. Uploads apply it to each 5 MB chunk.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Appwrite-Project': '={{$credentials.projectId}}',
				'X-Appwrite-Key': '={{$credentials.apiKey}}',
			},
		},
	};
}
