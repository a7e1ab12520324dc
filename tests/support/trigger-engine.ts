/**
 * Runs this package's trigger nodes the way n8n runs them, with n8n-core's own context classes:
 * the webhook lifecycle (checkExists, then create when it answers false; delete) with HookContext,
 * deliveries with WebhookContext on a real HTTP request (raw body kept, JSON parsed, as n8n's
 * webhook server does) followed by the workflow execution, polls with PollContext, and the
 * editor's list searches and options with LoadOptionsContext. Static data lives in the Workflow as
 * in n8n; `restart()` reloads it from JSON as n8n does after a restart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	IRun,
	IWebhookData,
	IWebhookResponseData,
	ResourceMapperFields,
	WorkflowActivateMode,
} from 'n8n-workflow';

import {
	additionalDataFor,
	executeFrom,
	loadPackage,
	PACKAGE_NAME,
	PackageNodeTypes,
} from './engine';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HookContext, LoadOptionsContext, PollContext, WebhookContext } =
	require('n8n-core') as typeof import('n8n-core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Workflow } = require('n8n-workflow') as typeof import('n8n-workflow');

export interface TriggerOptions {
	/** A trigger, or any node of the package whose editor methods (list searches) are tested. */
	type: 'appwriteTrigger' | 'appwritePollingTrigger' | (string & {});
	typeVersion?: number;
	parameters: Record<string, unknown>;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	staticData?: IDataObject;
}

export interface Delivery {
	status: number;
	/** The HTTP answer, parsed when it is JSON. */
	body: unknown;
	/** The execution the delivery started, if any. */
	run?: IRun;
	/** The trigger node's output items in that execution. */
	items?: INodeExecutionData[];
}

export const WEBHOOK_ID = '5b1c3a2e-6d4f-4e8a-9b0c-1d2e3f4a5b6c';

export class TriggerHarness {
	private constructor(
		private readonly options: TriggerOptions,
		private readonly nodeTypes: PackageNodeTypes,
		readonly workflow: InstanceType<typeof Workflow>,
	) {}

	static async create(options: TriggerOptions): Promise<TriggerHarness> {
		const nodeTypes = new PackageNodeTypes(await loadPackage());
		return new TriggerHarness(
			options,
			nodeTypes,
			TriggerHarness.workflowOf(options, nodeTypes, options.staticData ?? {}),
		);
	}

	private static workflowOf(
		options: TriggerOptions,
		nodeTypes: PackageNodeTypes,
		staticData: IDataObject,
	) {
		const node: INode = {
			id: 'trigger-node',
			name: 'Appwrite Trigger',
			type: `${PACKAGE_NAME}.${options.type}`,
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: options.parameters as INode['parameters'],
			credentials: Object.fromEntries(
				Object.keys(options.credentials).map((type) => [type, { id: `${type}-id`, name: type }]),
			),
		};
		return new Workflow({
			id: 'trigger-workflow',
			name: 'Trigger test workflow',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData,
			settings: { executionOrder: 'v1' },
		});
	}

	get node(): INode {
		return this.workflow.getNode('Appwrite Trigger') as INode;
	}

	private get nodeType(): INodeType {
		return this.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
	}

	/** The node's static data, where n8n keeps what a trigger remembers. */
	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** n8n restarted: the same workflow, its static data reloaded from the database (JSON). */
	restart(): TriggerHarness {
		const saved = JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
		return new TriggerHarness(
			this.options,
			this.nodeTypes,
			TriggerHarness.workflowOf(this.options, this.nodeTypes, saved),
		);
	}

	private additionalData() {
		return additionalDataFor(this.options.credentials);
	}

	private webhookData(isTest: boolean): IWebhookData {
		const description = this.nodeType.description.webhooks?.[0];
		if (!description) throw new Error(`${this.options.type} has no webhook`);
		return {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${WEBHOOK_ID}/${description.path}`,
			webhookDescription: description,
			workflowId: this.workflow.id,
			workflowExecuteAdditionalData: this.additionalData(),
			webhookId: WEBHOOK_ID,
			isTest,
		};
	}

	/** One webhook lifecycle method, as n8n's WebhookService.runWebhookMethod calls it. */
	async hook(
		method: 'checkExists' | 'create' | 'delete',
		options: { test?: boolean; activation?: WorkflowActivateMode } = {},
	): Promise<boolean> {
		const test = options.test ?? false;
		const context = new HookContext(
			this.workflow,
			this.node,
			this.additionalData(),
			test ? 'manual' : 'trigger',
			options.activation ?? (test ? 'manual' : 'activate'),
			this.webhookData(test),
		);
		const fn = this.nodeType.webhookMethods?.default?.[method];
		if (!fn) throw new Error(`${this.options.type} has no webhook method ${method}`);
		return await fn.call(context);
	}

	/** Activation as n8n's createWebhookIfNotExists does it: checkExists, then create if it answers false. */
	async activate(
		options: { test?: boolean; activation?: WorkflowActivateMode } = {},
	): Promise<void> {
		if (!(await this.hook('checkExists', options))) await this.hook('create', options);
	}

	/** The production URL n8n gives the trigger. */
	webhookUrl(test = false): string {
		return `http://127.0.0.1:5678/${test ? 'webhook-test' : 'webhook'}/${WEBHOOK_ID}/webhook`;
	}

	/** POSTs `body` with `headers` through a real HTTP request to the node's webhook method, then runs the workflow. */
	async deliver(body: Buffer | string, headers: Record<string, string>): Promise<Delivery> {
		let outcome: { run?: IRun; result?: IWebhookResponseData; error?: unknown } = {};
		const server = createServer((request, response) => {
			void this.handle(request, response).then(
				(result) => (outcome = result),
				(error: unknown) => {
					outcome = { error };
					response.statusCode = 500;
					response.end(JSON.stringify({ message: 'Workflow could not be started!' }));
				},
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const response = await fetch(`http://127.0.0.1:${port}/webhook/${WEBHOOK_ID}/webhook`, {
				method: 'POST',
				headers,
				body,
			});
			const text = await response.text();
			let parsed: unknown = text;
			try {
				parsed = JSON.parse(text);
			} catch {
				/* not JSON */
			}
			await new Promise((resolve) => setImmediate(resolve));
			if (outcome.error) throw outcome.error;
			const items =
				outcome.run?.data.resultData.runData[this.node.name]?.[0]?.data?.main?.[0] ?? undefined;
			return { status: response.status, body: parsed, run: outcome.run, items };
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	}

	private async handle(
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<{ run?: IRun; result: IWebhookResponseData }> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const parsedRequest = Object.assign(request, {
			rawBody,
			body:
				/application\/json/.test(String(request.headers['content-type'])) && rawBody.length
					? (JSON.parse(rawBody.toString('utf8')) as unknown)
					: {},
			params: {},
			query: {},
		});
		const additionalData = {
			...this.additionalData(),
			httpRequest: parsedRequest,
			httpResponse: response,
		} as never;
		const context = new WebhookContext(
			this.workflow,
			this.node,
			additionalData,
			'webhook',
			this.webhookData(false),
			[],
			null,
		);
		const result = await (this.nodeType.webhook as NonNullable<INodeType['webhook']>).call(context);
		if (result.noWebhookResponse) return { result };
		if (!result.workflowData) {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify(result.webhookResponse ?? { message: 'Webhook call received' }));
			return { result };
		}
		// responseMode onReceived: n8n answers at once and runs the workflow from the trigger's output
		const run = await executeFrom(
			this.workflow,
			this.node,
			result.workflowData,
			this.options.credentials,
			'webhook',
		);
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(JSON.stringify({ message: 'Workflow was started' }));
		return { run, result };
	}

	/** One poll: `trigger` mode as the scheduler runs it, or `manual` as "Fetch test event" does. */
	async poll(
		mode: 'trigger' | 'manual' = 'trigger',
		activation: WorkflowActivateMode = 'activate',
	): Promise<INodeExecutionData[][] | null> {
		const context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData(),
			mode,
			activation,
		);
		return await (this.nodeType.poll as NonNullable<INodeType['poll']>).call(context);
	}

	private loadOptionsContext(parameters?: Record<string, unknown>) {
		const additionalData = {
			...this.additionalData(),
			currentNodeParameters: parameters ?? this.node.parameters,
		} as never;
		return new LoadOptionsContext(this.workflow, this.node, additionalData, 'parameters');
	}

	/** A "From list" search as the editor runs it, with the node's (or the given) current parameters. */
	async listSearch(
		method: string,
		filter?: string,
		paginationToken?: string,
		parameters?: Record<string, unknown>,
	): Promise<INodeListSearchResult> {
		const search = this.nodeType.methods?.listSearch?.[method];
		if (!search) throw new Error(`${this.options.type} has no list search ${method}`);
		return await search.call(this.loadOptionsContext(parameters), filter, paginationToken);
	}

	/** A resource mapper's fields as the editor loads them. */
	async resourceMapping(
		method: string,
		parameters?: Record<string, unknown>,
	): Promise<ResourceMapperFields> {
		const load = this.nodeType.methods?.resourceMapping?.[method];
		if (!load) throw new Error(`${this.options.type} has no resource mapping ${method}`);
		return await load.call(this.loadOptionsContext(parameters));
	}

	/** A dynamic options list as the editor loads it. */
	async loadOptions(
		method: string,
		parameters?: Record<string, unknown>,
	): Promise<INodePropertyOptions[]> {
		const load = this.nodeType.methods?.loadOptions?.[method];
		if (!load) throw new Error(`${this.options.type} has no options method ${method}`);
		return await load.call(this.loadOptionsContext(parameters));
	}
}
