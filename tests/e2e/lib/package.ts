/**
 * Builds and packs this repository's package, and installs the tarball into an n8n user folder
 * the way n8n's own community-package installer does (n8n 2.41.1, CommunityPackagesService):
 * untar into `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/<name>`, drop dev/peer/optional
 * dependencies from its package.json, then `npm install` its runtime dependencies in place.
 * n8n then loads it as a community package, so its node types are `<package>.<node>`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { node24Env } from './install';
import type { N8nInstance } from './n8n';
import { E2E_DIR, NODE24_NODE, ROOT_DIR } from './paths';
import { log, run } from './proc';

export interface PackedPackage {
	name: string;
	version: string;
	tarball: string;
	/** `n8n.nodes` of the packed package.json: which nodes it ships. */
	nodes: string[];
	credentials: string[];
}

/**
 * `npm run build` then `npm pack` in `packageDir` (default: the repository root).
 * Set E2E_SKIP_BUILD=1 to pack whatever dist/ holds now.
 */
export async function buildAndPack(
	outDir: string,
	packageDir = process.env.E2E_PACKAGE_DIR ?? ROOT_DIR,
): Promise<PackedPackage> {
	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
		scripts?: Record<string, string>;
	};
	if (process.env.E2E_SKIP_BUILD !== '1' && manifest.scripts?.build) {
		log(`Building ${manifest.name} (npm run build)…`);
		await run('npm', ['run', 'build', '--silent'], { cwd: packageDir, quiet: true });
	}
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	const { stdout } = await run(
		'npm',
		['pack', '--json', '--silent', '--pack-destination', outDir],
		{
			cwd: packageDir,
			quiet: true,
		},
	);
	const packed = (
		JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
			filename: string;
			files: Array<{ path: string }>;
		}>
	)[0];
	const tarball = join(outDir, packed.filename.replace(/^@/, '').replace(/\//, '-'));
	if (!existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
	const packedManifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const shipped = new Set(packed.files.map((f) => f.path));
	const nodes = packedManifest.n8n?.nodes ?? [];
	const credentials = packedManifest.n8n?.credentials ?? [];
	const missing = [...nodes, ...credentials].filter((file) => !shipped.has(file));
	if (missing.length > 0) {
		throw new Error(
			`The tarball lacks files its package.json "n8n" section lists (is the build complete?): ${missing.join(', ')}`,
		);
	}
	return { name: manifest.name, version: manifest.version, tarball, nodes, credentials };
}

/** Installs a packed community package into `<home>/.n8n/nodes/node_modules/<name>`. */
export async function installIntoN8n(home: string, pkg: PackedPackage): Promise<string> {
	const nodesDir = join(home, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', pkg.name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	await run('tar', ['-xzf', pkg.tarball, '-C', target, '--strip-components=1'], { quiet: true });

	const manifestPath = join(target, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

	// the same flags n8n 2.41.1 passes when it installs a community package
	await run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: target, env: node24Env(), quiet: true, timeoutMs: 300_000 },
	);
	// n8n keeps a package.json in the nodes folder listing what it installed; mirror that
	const nodesManifest = join(nodesDir, 'package.json');
	const existing: { dependencies?: Record<string, string> } = existsSync(nodesManifest)
		? (JSON.parse(readFileSync(nodesManifest, 'utf8')) as { dependencies?: Record<string, string> })
		: ({ name: 'installed-nodes', private: true } as { dependencies?: Record<string, string> });
	writeFileSync(
		nodesManifest,
		JSON.stringify(
			{ ...existing, dependencies: { ...(existing.dependencies ?? {}), [pkg.name]: pkg.version } },
			null,
			2,
		),
	);
	return target;
}

/**
 * Records the installed package in the instance's database as n8n's own install does (see
 * register-package.cjs), so Settings → Community Nodes lists it. Needs the database migrated (any
 * n8n command run first); SQLite only (the queue-mode instances on PostgreSQL do not need it).
 */
export async function registerInN8n(instance: N8nInstance, packageDir: string): Promise<void> {
	if (instance.env.DB_TYPE && instance.env.DB_TYPE !== 'sqlite') return;
	await run(
		NODE24_NODE,
		[
			join(E2E_DIR, 'lib', 'register-package.cjs'),
			packageDir,
			join(instance.home, '.n8n', 'database.sqlite'),
		],
		{
			cwd: E2E_DIR,
			env: node24Env({ NODE_PATH: join(E2E_DIR, 'node_modules') }),
			quiet: true,
		},
	);
}
