/**
 * Runs workflows through n8n's own execution engine (n8n-core's WorkflowExecute) with this package
 * loaded by n8n's package loader, the way an n8n instance runs them. n8n's NodeTestHarness is not
 * published, so this is a small harness on the public exports of n8n-core and n8n-workflow.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

import type {
	ExecutionError,
	ExecutionStatus,
	IDataObject,
	ICredentialDataDecryptedObject,
	IConnections,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

// n8n-core reads its settings when first loaded. It writes <user folder>/.n8n/config unless that
// file exists, even with N8N_ENCRYPTION_KEY set: so keep one folder in the temp dir, seed the file
// atomically (parallel workers), and nothing lands in ~/.n8n.
process.env.N8N_ENCRYPTION_KEY ??= 'appwrite-nodes-test-key';
if (!process.env.N8N_USER_FOLDER) {
	const userFolder = path.join(tmpdir(), 'n8n-nodes-appwrite-suite-tests');
	const settingsFile = path.join(userFolder, '.n8n', 'config');
	if (!existsSync(settingsFile)) {
		mkdirSync(path.dirname(settingsFile), { recursive: true });
		const staging = `${settingsFile}.${randomUUID()}`;
		writeFileSync(staging, JSON.stringify({ encryptionKey: process.env.N8N_ENCRYPTION_KEY }), {
			mode: 0o600,
		});
		renameSync(staging, settingsFile);
	}
	process.env.N8N_USER_FOLDER = userFolder;
}
// n8n's error reporter logs every node failure; tests must print nothing.
process.env.N8N_LOG_LEVEL ??= 'silent';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const {
	BinaryDataConfig,
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	WorkflowExecute,
} = require('n8n-core') as typeof import('n8n-core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require('@n8n/di') as typeof import('@n8n/di');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRunExecutionData, ICredentialsHelper, NodeHelpers, Workflow } =
	require('n8n-workflow') as typeof import('n8n-workflow');

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-appwrite-suite';

let loaderPromise: Promise<InstanceType<typeof PackageDirectoryLoader>> | undefined;

/** Loads the built package once, with n8n's own loader, as n8n does for an installed community package. */
export function loadPackage() {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		return loader;
	})();
	return loaderPromise;
}

export class PackageNodeTypes implements INodeTypes {
	constructor(private readonly loader: InstanceType<typeof PackageDirectoryLoader>) {}

	getByName(type: string): INodeType | IVersionedNodeType {
		const name = type.startsWith(`${PACKAGE_NAME}.`) ? type.slice(PACKAGE_NAME.length + 1) : type;
		return this.loader.getNode(name).type;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Hands the test's credential data to the nodes, as n8n's credentials helper does after decryption. */
export class FixtureCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(
		_credentials: ICredentialDataDecryptedObject,
		_type: string,
		requestOptions: never,
	) {
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('The test harness only hands out decrypted credentials');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credential of type ${type}`);
		return data;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return [];
	}
}

export interface NodeSpec {
	/** Node name without the package prefix, e.g. `appwriteUsers`. */
	type: string;
	parameters: Record<string, unknown>;
	name?: string;
	continueOnFail?: boolean;
	/** The node version the workflow was saved with (1 unless given). */
	typeVersion?: number;
	/** n8n's own Retry On Fail settings of the node. */
	retry?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
}

export interface RunOptions {
	nodes: NodeSpec[];
	/** Items given to the first node. */
	items?: INodeExecutionData[];
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Node types to run instead of this package's built ones, e.g. nodes generated by a test. */
	nodeTypes?: INodeTypes;
}

export interface RunResult {
	status: ExecutionStatus;
	error?: ExecutionError;
	runData: IRunData;
	/** Items of the first output of a node (by default the last node in the chain). */
	output(nodeName?: string): INodeExecutionData[];
}

/** What n8n hands every node context: the credentials helper, the instance's URLs, lifecycle hooks. */
export function additionalDataFor(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	hooks?: InstanceType<typeof ExecutionLifecycleHooks>,
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		credentialsHelper: new FixtureCredentialsHelper(credentials),
		executionId: 'test-execution',
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Runs `workflow` through WorkflowExecute from `start`, fed with `data`, as n8n runs an execution. */
export async function executeFrom(
	workflow: InstanceType<typeof Workflow>,
	start: INode,
	data: INodeExecutionData[][],
	credentials: Record<string, ICredentialDataDecryptedObject>,
	mode: 'manual' | 'webhook' | 'trigger' = 'manual',
): Promise<IRun> {
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', {
		id: workflow.id,
		name: workflow.name,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as never);
	const finished = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: start, data: { main: data }, source: null }] },
	});
	await new WorkflowExecute(
		additionalDataFor(credentials, hooks),
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	return await finished;
}

/** Runs the nodes in a chain, the first one fed with `items`, through WorkflowExecute. */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const nodeTypes = options.nodeTypes ?? new PackageNodeTypes(await loadPackage());
	const nodes: INode[] = options.nodes.map((spec, index) => ({
		id: `node-${index}`,
		name: spec.name ?? `Node ${index + 1}`,
		type: `${PACKAGE_NAME}.${spec.type}`,
		typeVersion: spec.typeVersion ?? 1,
		position: [index * 200, 0],
		parameters: spec.parameters as INode['parameters'],
		credentials: { appwriteApi: { id: 'test-credential', name: 'Appwrite test' } },
		...(spec.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...spec.retry,
	}));
	const connections: IConnections = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Appwrite test workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const run = await executeFrom(
		workflow,
		nodes[0],
		[options.items ?? [{ json: {} }]],
		options.credentials,
	);
	const runData = run.data.resultData.runData;
	return {
		status: run.status,
		error: run.data.resultData.error,
		runData,
		output(nodeName = nodes[nodes.length - 1].name) {
			return runData[nodeName]?.[0]?.data?.main?.[0] ?? [];
		},
	};
}

/** An Appwrite API-key credential for a local test server, as n8n hands it to the nodes. */
export function appwriteCredentials(endpoint: string, apiKey: string, projectId = 'test-project') {
	return { appwriteApi: { endpoint, projectId, apiKey, selfSigned: false } };
}

/** Runs one node of this package on the given items. */
export async function runNode(options: {
	type: string;
	parameters: Record<string, unknown>;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	typeVersion?: number;
	nodeTypes?: INodeTypes;
	retry?: NodeSpec['retry'];
}): Promise<RunResult> {
	return await runWorkflow({
		nodes: [
			{
				type: options.type,
				parameters: options.parameters,
				continueOnFail: options.continueOnFail,
				name: 'Appwrite',
				typeVersion: options.typeVersion,
				retry: options.retry,
			},
		],
		items: options.items,
		credentials: options.credentials,
		nodeTypes: options.nodeTypes,
	});
}

/** Node types for nodes given as instances, keyed by name without the package prefix. */
export function nodeTypesOf(nodes: Record<string, INodeType | IVersionedNodeType>): INodeTypes {
	return {
		getByName: (type) => nodes[type.replace(`${PACKAGE_NAME}.`, '')],
		getByNameAndVersion: (type, version) =>
			NodeHelpers.getVersionedNodeType(nodes[type.replace(`${PACKAGE_NAME}.`, '')], version),
		getKnownTypes: () => ({}),
	};
}

/** The bytes of an output item's binary field, in whichever way n8n stored them. */
export function binaryBuffer(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`The item has no binary field "${property}"`);
	return Buffer.from(binary.data, 'base64');
}

/** An input item carrying a file, as n8n's binary helpers would store it in memory mode. */
export function binaryItem(
	content: Buffer,
	fileName: string,
	mimeType: string,
	json: IDataObject = {},
): INodeExecutionData {
	return {
		json,
		binary: {
			data: {
				data: content.toString('base64'),
				fileName,
				mimeType,
				fileSize: String(content.length),
			},
		},
	};
}

/**
 * Starts n8n's binary-data service as n8n does at startup: `filesystem` (n8n's default outside
 * queue mode) keeps each file under `storagePath`, `default` keeps files in memory, in the items.
 * Without it, the engine keeps files in memory.
 */
export async function startBinaryData(
	mode: 'filesystem' | 'default',
	storagePath: string,
): Promise<void> {
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = storagePath;
	await Container.get(BinaryDataService).init();
}

/** The bytes of a binary field in any mode: from n8n's storage when it holds them, else from the item. */
export async function storedBytes(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`The item has no binary field "${property}"`);
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** An input item carrying a file (bytes, or a stream of them), stored by n8n's binary-data service in its current mode. */
export async function storedBinaryItem(
	content: Buffer | Readable,
	fileName: string,
	mimeType: string,
): Promise<INodeExecutionData> {
	const data = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'test-workflow', executionId: 'test-input' },
		content,
		{ data: '', fileName, mimeType },
	);
	return { json: {}, binary: { data } };
}
