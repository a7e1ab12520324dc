/**
 * `npm run release:pack`: builds the package and packs the release tarball into release/ (not
 * committed), then prints what it holds and how to install it into a self-hosted n8n. The
 * tarball is the one the e2e test installs (tests/e2e/lib/package.ts), with the same checks.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { acquireLock } from '../tests/e2e/lib/lock';
import { buildAndPack } from '../tests/e2e/lib/package';
import { ROOT_DIR } from '../tests/e2e/lib/paths';

async function main(): Promise<void> {
	const release = await acquireLock('build', 5 * 60_000); // not while an e2e run builds dist/
	const pkg = await buildAndPack(join(ROOT_DIR, 'release'));
	release();
	const bytes = readFileSync(pkg.tarball);
	const file = relative(process.cwd(), pkg.tarball);
	console.log(
		[
			`${file}`,
			`  ${pkg.name}@${pkg.version}: ${pkg.nodes.length} nodes, ${pkg.credentials.length} credentials, ${(statSync(pkg.tarball).size / 1024).toFixed(0)} KiB`,
			`  sha256 ${createHash('sha256').update(bytes).digest('hex')}`,
			'',
			'Install into a self-hosted n8n as n8n installs a community package (README → Install):',
			`  mkdir -p ~/.n8n/nodes/node_modules/${pkg.name} && cd ~/.n8n/nodes/node_modules/${pkg.name}`,
			`  tar -xzf ${pkg.tarball} --strip-components=1`,
			'  npm pkg delete devDependencies peerDependencies optionalDependencies',
			'  npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true --package-lock=false',
			'  then restart n8n',
		].join('\n'),
	);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
