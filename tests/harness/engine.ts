/**
 * Runs workflows in-process through n8n's real execution engine (n8n-core's `WorkflowExecute`), with
 * the built package loaded by n8n's own `PackageDirectoryLoader`, the way an n8n instance loads an
 * installed community package. Only public exports of n8n-core and n8n-workflow are used.
 *
 * Runtime values come from `require()` on purpose: n8n-workflow ships both a CommonJS and an ESM
 * build, n8n-core and the built nodes use the CommonJS one, and an ESM `import` under vitest would
 * load a second copy (so `instanceof NodeApiError` and friends would silently fail). Use
 * `n8nWorkflow` exported below when a test needs n8n-workflow classes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type {
	ExecutionError,
	ExecutionStatus,
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IPinData,
	IRun,
	IRunData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	Workflow as WorkflowType,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Environment: must be settled before n8n-core is first loaded (its config classes read env vars
// when they are first constructed).
// ---------------------------------------------------------------------------------------------

if (!process.env.N8N_USER_FOLDER) {
	// n8n-core 2.41 writes `<user folder>/.n8n/config` as soon as InstanceSettings is constructed,
	// even when N8N_ENCRYPTION_KEY is set; keep that (and binary-data folders) out of the home dir.
	const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.once('exit', () => rmSync(userFolder, { recursive: true, force: true }));
}
process.env.N8N_ENCRYPTION_KEY ??= 'n8n-nodes-appwrite-suite-test-key';
// n8n's logger prints node errors through its ErrorReporter; the harness must print nothing.
process.env.N8N_LOG_LEVEL ??= 'silent';
// Memory mode: binary data stays base64 inside the items.
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED ??= 'false';

const requireHere = createRequire(__filename);
const n8nCore = requireHere('n8n-core') as typeof import('n8n-core');
/** n8n-workflow exactly as n8n-core and the built nodes see it (the CommonJS build). */
export const n8nWorkflow = requireHere('n8n-workflow') as typeof import('n8n-workflow');
// The dependency-injection container n8n-core itself registers its services in.
const { Container } = createRequire(requireHere.resolve('n8n-core'))('@n8n/di') as typeof import('@n8n/di');

const { BinaryDataConfig, BinaryDataService, ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } = n8nCore;
const { ICredentialsHelper, NodeHelpers, Workflow, createRunExecutionData } = n8nWorkflow;

type PackageLoader = InstanceType<typeof PackageDirectoryLoader>;

/** The repository root, which is also the root of the built package. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-appwrite-suite';
/** Prefix of the harness's own helper node types (see `harness.noOp`). */
export const HARNESS_PREFIX = 'harness.';
/** The credential reference the workflow JSON of our nodes carries. */
export const APPWRITE_CREDENTIAL_REF = { appwriteApi: { id: '1', name: 'Appwrite' } } satisfies INodeCredentials;

// ---------------------------------------------------------------------------------------------
// One-time setup: binary data in memory mode, the package loaded once per directory.
// ---------------------------------------------------------------------------------------------

let binaryDataReady: Promise<void> | undefined;

/**
 * Initialises n8n-core's BinaryDataService in memory ("default") mode. In 2.41.1 `init()` takes no
 * arguments; it reads `BinaryDataConfig` (env `N8N_DEFAULT_BINARY_DATA_MODE`, whose built-in
 * default is `filesystem`). We force `mode = 'default'`, so `store()` finds no manager for the mode
 * and keeps the bytes base64 in `binary.data` (no `id`, nothing written to disk).
 */
export function initBinaryData(): Promise<void> {
	binaryDataReady ??= (async () => {
		Container.get(BinaryDataConfig).mode = 'default';
		await Container.get(BinaryDataService).init();
	})();
	return binaryDataReady;
}

const loaders = new Map<string, Promise<PackageLoader>>();

/** Loads a package directory with n8n's loader, once per process and directory. */
export function loadPackage(packageDir: string = PACKAGE_ROOT): Promise<PackageLoader> {
	const key = path.resolve(packageDir);
	let loader = loaders.get(key);
	if (!loader) {
		loader = (async () => {
			const instance = new PackageDirectoryLoader(key);
			await instance.loadAll();
			if (Object.keys(instance.nodeTypes).length === 0) {
				throw new Error(
					`n8n loaded no nodes from ${key}: is the package built (npm run build) and does package.json list them under "n8n.nodes"?`,
				);
			}
			return instance;
		})();
		loader.catch(() => loaders.delete(key));
		loaders.set(key, loader);
	}
	return loader;
}

/** A pass-through node, for chains that need a node after ours without n8n-nodes-base. */
class HarnessNoOp implements INodeType {
	description: INodeType['description'] = {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['transform'],
		version: 1,
		description: 'Passes its input items through unchanged',
		defaults: { name: 'No Operation' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const builtInNodeTypes: Record<string, INodeType | IVersionedNodeType> = {
	[`${HARNESS_PREFIX}noOp`]: new HarnessNoOp(),
};

/** Resolves `<package name>.<node name>` from the loaded package, plus the harness's helper nodes. */
class HarnessNodeTypes implements INodeTypes {
	constructor(
		private readonly loader: PackageLoader,
		private readonly extra: Record<string, INodeType | IVersionedNodeType>,
	) {}

	getByName(type: string): INodeType | IVersionedNodeType {
		const extra = this.extra[type] ?? builtInNodeTypes[type];
		if (extra) return extra;
		const prefix = `${this.loader.packageName}.`;
		if (!type.startsWith(prefix)) {
			throw new Error(`Unknown node type "${type}": the harness only knows ${prefix}*, ${HARNESS_PREFIX}* and RunOptions.nodeTypes`);
		}
		return this.loader.getNode(type.slice(prefix.length)).type;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return this.loader.known.nodes;
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/** Hands the run's credential data to the nodes, as n8n's credentials helper does after decrypting. */
class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly loader: PackageLoader,
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	private credentialType(type: string): ICredentialType | undefined {
		return type in this.loader.known.credentials ? this.loader.getCredential(type).type : undefined;
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialType(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** Applies the credential type's `authenticate` (a function, or a generic header/qs/body/auth template). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: WorkflowType,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialType(typeName)?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		return applyGenericAuth(authenticate, credentials, requestOptions, workflow, node);
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('The test harness only hands out decrypted credentials (getDecrypted)');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) {
			throw new Error(`No credential data of type "${type}" was given to the run (RunOptions.credentials.${type})`);
		}
		// A copy, as n8n decrypts afresh for every call: a node mutating it must not leak into the next.
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return this.credentialType(type)?.properties ?? [];
	}
}

function applyGenericAuth(
	authenticate: IAuthenticateGeneric,
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	workflow?: WorkflowType,
	node?: INode,
): IHttpRequestOptions {
	const resolve = (value: unknown): unknown => {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		if (workflow && node) {
			return workflow.expression.getSimpleParameterValue(node, value, 'manual', { $credentials: credentials }, undefined, value);
		}
		// No workflow to evaluate in: understand the common `{{$credentials.field}}` form only.
		return value.slice(1).replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, field: string) => String(credentials[field] ?? ''));
	};
	const resolveAll = (values: object | undefined) =>
		Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, resolve(value)]));

	const { headers, qs, body, auth } = authenticate.properties;
	const result: IHttpRequestOptions = { ...requestOptions };
	if (headers) result.headers = { ...requestOptions.headers, ...resolveAll(headers) } as IDataObject;
	if (qs) result.qs = { ...requestOptions.qs, ...resolveAll(qs) } as IDataObject;
	if (body) {
		const current = typeof requestOptions.body === 'object' && requestOptions.body !== null ? requestOptions.body : {};
		result.body = { ...current, ...resolveAll(body) } as IDataObject;
	}
	if (auth) result.auth = resolveAll(auth) as unknown as IHttpRequestOptions['auth'];
	return result;
}

// ---------------------------------------------------------------------------------------------
// Running workflows
// ---------------------------------------------------------------------------------------------

/**
 * A workflow node: a full `INode`, or the short form. `type` without a dot means a node of this
 * package (`appwriteUsers` → `n8n-nodes-appwrite-suite.appwriteUsers`). Missing `name`, `id`,
 * `typeVersion` (the type's newest), `position` and `parameters` are filled in; `credentials` default
 * to `{ <type>: { id: '1', name: 'Appwrite' } }` for every credential type the node declares.
 * `continueOnFail: true` is the short form of `onError: 'continueRegularOutput'`.
 */
export type NodeSpec = Partial<Omit<INode, 'type'>> & { type: string; continueOnFail?: boolean };

export interface RunOptions {
	nodes: NodeSpec[];
	/** Default: the nodes chained in the order given (main output 0 → main input 0). */
	connections?: IConnections;
	/** Input items handed to the start node (default: one empty item `[{ json: {} }]`). */
	items?: INodeExecutionData[];
	/** Name of the node the run starts at (default: the first node). */
	startNode?: string;
	/** Decrypted credential data by credential type name, e.g. `{ appwriteApi: { endpoint, projectId, apiKey, selfSigned } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Built package to load (default: the repository root). */
	packageDir?: string;
	/** Extra node types by full type name, for helper nodes a test defines itself. */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** Workflow settings (default `{ executionOrder: 'v1' }`). */
	settings?: IWorkflowSettings;
	pinData?: IPinData;
}

export interface RunResult {
	status: ExecutionStatus;
	/** The workflow-level error (a plain copy), set when a node failed without continue-on-fail. */
	error?: ExecutionError;
	runData: IRunData;
	/** The whole run as WorkflowExecute returned it. */
	run: IRun;
	/** Node names in the order their runs finished (from the `nodeExecuteAfter` hook). */
	executionOrder: string[];
	/** Name of the node that ran last. */
	lastNode: string | undefined;
	/** Items of a node's main output (default: output 0 of the last node run, run 0). */
	output(nodeName?: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error object a node's run ended with (the original instance, e.g. a NodeApiError). */
	nodeError(nodeName?: string, runIndex?: number): ExecutionError | undefined;
	/** The task data of a node's run (timing, source, metadata, error). */
	task(nodeName?: string, runIndex?: number): ITaskData | undefined;
}

let executionCounter = 0;

function fullTypeName(type: string, packageName: string): string {
	return type.includes('.') ? type : `${packageName}.${type}`;
}

function newestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function buildNodes(specs: NodeSpec[], nodeTypes: INodeTypes, packageName: string): INode[] {
	const usedNames = new Set<string>();
	return specs.map((spec, index) => {
		const { continueOnFail, ...rest } = spec;
		const type = fullTypeName(spec.type, packageName);
		const typeVersion = spec.typeVersion ?? newestVersion(nodeTypes.getByName(type));
		const description = nodeTypes.getByNameAndVersion(type, typeVersion).description;

		let name = spec.name ?? description.defaults?.name ?? description.displayName;
		if (!spec.name) {
			const base = name;
			for (let suffix = 1; usedNames.has(name); suffix++) name = `${base}${suffix}`;
		}
		if (usedNames.has(name)) throw new Error(`Two nodes are named "${name}"`);
		usedNames.add(name);

		const credentials: INodeCredentials = {};
		for (const { name: credentialType } of description.credentials ?? []) {
			credentials[credentialType] = credentialType === 'appwriteApi' ? { ...APPWRITE_CREDENTIAL_REF.appwriteApi } : { id: '1', name: credentialType };
		}

		return {
			id: `node-${index + 1}`,
			position: [index * 220, 0],
			...rest,
			name,
			type,
			typeVersion,
			// Copied: n8n's Workflow writes the parameter defaults into node.parameters.
			parameters: structuredClone(spec.parameters ?? {}),
			...(spec.credentials || Object.keys(credentials).length ? { credentials: spec.credentials ?? credentials } : {}),
			...(continueOnFail && !spec.onError ? { onError: 'continueRegularOutput' as const } : {}),
		} satisfies INode;
	});
}

function chain(nodes: INode[]): IConnections {
	const connections: IConnections = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Runs a workflow through n8n-core's WorkflowExecute, starting at the start node with `items`. */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	if (options.nodes.length === 0) throw new Error('runWorkflow needs at least one node');
	const [loader] = await Promise.all([loadPackage(options.packageDir), initBinaryData()]);
	const nodeTypes = new HarnessNodeTypes(loader, options.nodeTypes ?? {});
	const nodes = buildNodes(options.nodes, nodeTypes, loader.packageName);
	const connections = options.connections ?? chain(nodes);
	const startNode = options.startNode ? nodes.find((node) => node.name === options.startNode) : nodes[0];
	if (!startNode) throw new Error(`No node named "${options.startNode}"`);

	const executionId = `harness-${++executionCounter}`;
	const workflowId = 'harnessWorkflow01';
	const workflowName = 'Harness workflow';
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const workflow = new Workflow({
		id: workflowId,
		name: workflowName,
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings,
		pinData: options.pinData,
	});

	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: workflowId,
		name: workflowName,
		nodes,
		connections,
		active: false,
		isArchived: false,
		activeVersionId: null,
		settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executionOrder.push(nodeName);
	});

	const additionalData = {
		hooks,
		credentialsHelper: new HarnessCredentialsHelper(loader, options.credentials ?? {}),
		executionId,
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		variables: {},
		userId: 'harness-user',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.items ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const run = await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	const runData = run.data.resultData.runData;
	const lastNode = run.data.resultData.lastNodeExecuted ?? executionOrder[executionOrder.length - 1];
	const task = (nodeName = lastNode, runIndex = 0) => (nodeName === undefined ? undefined : runData[nodeName]?.[runIndex]);

	return {
		status: run.status,
		error: run.data.resultData.error,
		runData,
		run,
		executionOrder,
		lastNode,
		output(nodeName, outputIndex = 0, runIndex = 0) {
			return task(nodeName, runIndex)?.data?.main?.[outputIndex] ?? [];
		},
		nodeError(nodeName, runIndex = 0) {
			return task(nodeName, runIndex)?.error;
		},
		task,
	};
}

export interface RunNodeOptions extends Omit<NodeSpec, 'parameters' | 'credentials'> {
	parameters?: NodeSpec['parameters'];
	items?: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	packageDir?: string;
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	settings?: IWorkflowSettings;
}

/** Runs one node (e.g. `{ type: 'appwriteUsers', parameters, items, credentials }`) as a one-node workflow. */
export async function runNode(options: RunNodeOptions): Promise<RunResult> {
	const { items, credentials, packageDir, nodeTypes, settings, ...node } = options;
	// Here `credentials` is the credential data; the node's credential reference is the default one.
	return await runWorkflow({ nodes: [node as NodeSpec], items, credentials, packageDir, nodeTypes, settings });
}

// ---------------------------------------------------------------------------------------------
// Binary data
// ---------------------------------------------------------------------------------------------

/** The bytes of an item's binary property (memory mode: decoded from `binary.data`). */
export function binaryBuffer(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property];
	if (!binary) {
		const present = Object.keys(item.binary ?? {});
		throw new Error(`The item has no binary property "${property}" (it has: ${present.join(', ') || 'none'})`);
	}
	if (binary.id) throw new Error(`Binary property "${property}" is stored by id (${binary.id}); the harness runs in memory mode`);
	return Buffer.from(binary.data, 'base64');
}

export interface BinaryItemOptions {
	fileName?: string;
	mimeType?: string;
	/** Binary property name (default `data`). */
	property?: string;
	json?: IDataObject;
}

/**
 * An input item carrying a file, made by n8n-core's own `prepareBinaryData` in memory mode, so its
 * metadata (fileName, mimeType, fileExtension, fileType, fileSize, bytes) is what n8n would produce.
 */
export async function binaryItem(content: Buffer | string, options: BinaryItemOptions = {}): Promise<INodeExecutionData> {
	await initBinaryData();
	const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
	const binary = await n8nCore.prepareBinaryData(buffer, 'harness-input', 'harnessWorkflow01', options.fileName, options.mimeType);
	return { json: options.json ?? {}, binary: { [options.property ?? 'data']: binary } };
}
