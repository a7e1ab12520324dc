/**
 * The setup shared by the e2e test, `npm start` and the demo: install n8n (once), build and pack
 * this package, install it into a private n8n user folder like n8n's community-package installer,
 * start the Appwrite stand-in, import a credential that points at it, and import workflows.
 */
import { join } from 'node:path';

import { ensureN8nInstalled } from './install';
import { AppwriteFake } from '../../support/appwrite-fake';
import { startKeyGate, type KeyGate } from './keygate';
import { acquireLock } from './lock';
import {
	createInstance,
	importCredentials,
	importWorkflows,
	type CredentialFile,
	type N8nInstance,
} from './n8n';
import { buildAndPack, installIntoN8n, registerInN8n, type PackedPackage } from './package';
import { WORK_DIR } from './paths';
import { freePort } from './ports';
import { log, withProgress } from './proc';
import { startAppwriteStandIn, type StandIn } from './standin';
import { STANDIN_CREDENTIAL } from './workflows';

export const STANDIN_PROJECT_ID = 'appwrite-suite-e2e';
export const STANDIN_API_KEY = 'standin-api-key-0001';
/** The table whose rows the stand-in keeps (the triggers' examples watch it). */
export const STANDIN_TABLE = { databaseId: 'shop', tableId: 'orders' } as const;
/** The columns of shop/orders, as the stand-in's listColumns answers them (the row mapper reads them). */
export const STANDIN_COLUMNS: Array<Record<string, unknown>> = [
	{ key: 'customer', type: 'string', status: 'available', required: true, array: false, size: 100 },
	{ key: 'total', type: 'double', status: 'available', required: true, array: false },
	{ key: 'items', type: 'integer', status: 'available', required: false, array: false },
	{ key: 'paid', type: 'boolean', status: 'available', required: false, array: false },
	{
		key: 'status',
		type: 'string',
		format: 'enum',
		elements: ['open', 'shipped'],
		status: 'available',
		required: false,
		array: false,
	},
	{ key: 'tags', type: 'string', status: 'available', required: false, array: true, size: 20 },
	{ key: 'placedAt', type: 'datetime', status: 'available', required: false, array: false },
];
/** The key of a webhook "added in the console", for the trigger's manual registration. */
export const WEBHOOK_SIGNING_CREDENTIAL: CredentialFile = {
	id: 'e2eWebhookKey001',
	name: 'Appwrite webhook signature key (stand-in)',
	type: 'appwriteWebhookApi',
	data: { signingSecret: 'standin-webhook-signature-key-0001' },
};

export interface Setup {
	pkg: PackedPackage;
	standIn: StandIn;
	/** The key check in front of the stand-in; credentials point at `gate.endpoint`. */
	gate: KeyGate;
	/** The stateful part of the stand-in behind the gate: the Webhooks API and the rows of shop/orders. */
	appwrite: AppwriteFake;
	instance: N8nInstance;
	/** The credential the workflows use (imported). */
	credential: CredentialFile;
}

export function standInCredential(
	endpoint: string,
	overrides: Partial<CredentialFile> = {},
	data: Record<string, unknown> = {},
): CredentialFile {
	return {
		...STANDIN_CREDENTIAL,
		...overrides,
		data: {
			endpoint,
			projectId: STANDIN_PROJECT_ID,
			apiKey: STANDIN_API_KEY,
			selfSigned: false,
			...data,
		},
	};
}

/** A 127.0.0.1 URL where nothing listens (for the "unreachable" credential). */
export async function closedEndpoint(): Promise<string> {
	return `http://127.0.0.1:${await freePort()}/v1`;
}

export interface SetupOptions {
	/** Folder name under tests/e2e/.work/ for N8N_USER_FOLDER. */
	name: string;
	workflows: object[];
	/** n8n's port (default: a free one). */
	port?: number;
	/** Further credentials to import next to the stand-in one (built once the endpoint is known). */
	extraCredentials?: (endpoint: string) => Promise<CredentialFile[]> | CredentialFile[];
	/** Further environment for the instance's n8n commands (see InstanceOptions.env). */
	env?: NodeJS.ProcessEnv;
}

function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

export async function setUp(options: SetupOptions): Promise<Setup> {
	await ensureN8nInstalled();
	await acquireLock(options.name);

	let t = Date.now();
	const releaseBuild = await acquireLock('build', 5 * 60_000); // one `npm run build` at a time
	const pkg = await withProgress(
		'  building and packing',
		buildAndPack(join(WORK_DIR, `${options.name}-pack`)),
	);
	releaseBuild();
	log(`Packed ${pkg.name}@${pkg.version} with ${pkg.nodes.length} node(s) (${seconds(t)})`);

	// the stand-in starts (Prism takes a few seconds) while the package is installed
	const standInPromise = startAppwriteStandIn();
	standInPromise.catch(() => undefined);

	t = Date.now();
	const instance = await createInstance({
		name: options.name,
		workDir: WORK_DIR,
		port: options.port,
		env: options.env,
	});
	const packageDir = await withProgress(
		'  installing it into n8n',
		installIntoN8n(instance.home, pkg),
	);
	log(
		`Installed it into ${join(instance.home, '.n8n', 'nodes', 'node_modules', pkg.name)} (${seconds(t)})`,
	);

	const standIn = await withProgress('  starting the Appwrite stand-in', standInPromise);
	const appwrite = new AppwriteFake();
	appwrite.table(STANDIN_TABLE.databaseId, STANDIN_TABLE.tableId);
	appwrite.columns.set(`${STANDIN_TABLE.databaseId}/${STANDIN_TABLE.tableId}`, STANDIN_COLUMNS);
	const gate = await startKeyGate(standIn.endpoint, STANDIN_API_KEY, appwrite);
	const credential = standInCredential(gate.endpoint);
	const extra = [
		WEBHOOK_SIGNING_CREDENTIAL,
		...(options.extraCredentials ? await options.extraCredentials(gate.endpoint) : []),
	];

	t = Date.now();
	await withProgress(
		'  importing the credentials (n8n sets up its database on the first command)',
		importCredentials(instance, [credential, ...extra]),
	);
	log(`Imported ${1 + extra.length} credential(s) (${seconds(t)})`);
	await withProgress('  registering the package', registerInN8n(instance, packageDir)); // the database exists now

	if (options.workflows.length > 0) {
		t = Date.now();
		await withProgress('  importing the workflows', importWorkflows(instance, options.workflows));
		log(`Imported ${options.workflows.length} workflow(s) (${seconds(t)})`);
	}
	return { pkg, standIn, gate, appwrite, instance, credential };
}
