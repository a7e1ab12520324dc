import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testAppwriteCredential } from '../../src';
import {
	getEventOptions,
	pickerSearches,
	webhookTriggerProperties,
} from '../../src/trigger/descriptions';
import { testSignatureKey } from '../../src/trigger/signature';
import {
	createWebhook,
	deleteWebhook,
	receiveDelivery,
	webhookExists,
} from '../../src/trigger/webhook';

export class AppwriteTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Appwrite Trigger',
		name: 'appwriteTrigger',
		icon: { light: 'file:appwriteTrigger.svg', dark: 'file:appwriteTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["resource"] + " events, " + $parameter["registration"] + " registration"}}',
		description:
			'Starts the workflow when Appwrite sends an event: a row, file or user created, a function run finished…',
		defaults: { name: 'Appwrite Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'appwriteApi', required: true, testedBy: 'appwriteApiTest' },
			{
				name: 'appwriteWebhookApi',
				required: true,
				testedBy: 'appwriteWebhookSignatureKeyTest',
				displayOptions: { show: { registration: ['manual'], verifySignature: [true] } },
			},
		],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: webhookTriggerProperties,
	};

	methods = {
		credentialTest: {
			appwriteApiTest: testAppwriteCredential,
			appwriteWebhookSignatureKeyTest: testSignatureKey,
		},
		listSearch: pickerSearches(true),
		loadOptions: { getEventOptions },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await webhookExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createWebhook.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteWebhook.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}
