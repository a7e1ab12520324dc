import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testAppwriteCredential } from '../../src';
import { pickerSearches, pollingTriggerProperties } from '../../src/trigger/descriptions';
import { pollRecords } from '../../src/trigger/poll';

export class AppwritePollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Appwrite Polling Trigger',
		name: 'appwritePollingTrigger',
		icon: {
			light: 'file:appwritePollingTrigger.svg',
			dark: 'file:appwritePollingTrigger.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["watch"] + " " + $parameter["resource"] + "s"}}',
		description:
			'Starts the workflow for new or updated rows, documents, files, users, executions, memberships or messages, checking Appwrite on a schedule',
		defaults: { name: 'Appwrite Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'appwriteApi', required: true, testedBy: 'appwriteApiTest' }],
		properties: pollingTriggerProperties,
	};

	methods = {
		credentialTest: { appwriteApiTest: testAppwriteCredential },
		listSearch: pickerSearches(false),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollRecords.call(this);
	}
}
