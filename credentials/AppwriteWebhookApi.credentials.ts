import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The signature key of a webhook added by hand in the Appwrite console, for the Appwrite Trigger's
 * manual registration (servers without the Webhooks API). A credential keeps the key encrypted and
 * out of the workflow's JSON; the trigger checks each delivery's signature with it.
 */
export class AppwriteWebhookApi implements ICredentialType {
	name = 'appwriteWebhookApi';

	displayName = 'Appwrite Webhook API';

	icon = { light: 'file:appwrite.svg', dark: 'file:appwrite.dark.svg' } as const;

	documentationUrl = 'https://appwrite.io/docs/advanced/platform/webhooks';

	properties: INodeProperties[] = [
		{
			displayName: 'Signature Key',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The Signature Key of the webhook, from the Appwrite console under Settings → Webhooks → the webhook. Appwrite signs every delivery with it.',
			required: true,
		},
	];
}
