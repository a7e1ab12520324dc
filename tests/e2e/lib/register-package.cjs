/**
 * Records an installed community package in n8n's database the way n8n's own install does, so
 * that Settings → Community Nodes lists it:
 *
 *   node register-package.cjs <package folder> <database.sqlite>
 *
 * n8n 2.41.1 (CommunityPackagesService.installPackage) loads the package with n8n-core's
 * PackageDirectoryLoader and then saves, in one transaction, a row of `installed_packages`
 * (name, version, author) and one row of `installed_nodes` per loaded node (display name,
 * `<package>.<node>`, latest version): InstalledPackagesRepository.persistPackageWithNodes.
 * This script does exactly that with the same loader, against the SQLite database of an n8n
 * user folder whose migrations have run (after any n8n command). Run it with the Node that runs
 * n8n (sqlite3 is compiled for it), with NODE_PATH at n8n's node_modules (the package's peer
 * dependency n8n-workflow comes from there, as when n8n loads it).
 */
'use strict';

require('node:module').Module._initPaths(); // take NODE_PATH into account for the package's requires

const { PackageDirectoryLoader } = require('n8n-core');
const sqlite3 = require('sqlite3');

function run(db, sql, params = []) {
	return new Promise((resolve, reject) =>
		db.run(sql, params, (error) => (error ? reject(error) : resolve())),
	);
}

/** n8n's SQLite timestamps: `YYYY-MM-DD HH:MM:SS.mmm`, UTC. */
function timestamp() {
	return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

async function main() {
	const [packageDir, databaseFile] = process.argv.slice(2);
	if (!packageDir || !databaseFile)
		throw new Error('usage: register-package.cjs <package folder> <database.sqlite>');
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	const { packageJson, nodeTypes, loadedNodes } = loader;
	const packageName = packageJson.name;
	const now = timestamp();
	const db = new sqlite3.Database(databaseFile);
	try {
		await run(db, 'PRAGMA foreign_keys = ON');
		await run(db, 'BEGIN');
		await run(db, 'DELETE FROM installed_packages WHERE packageName = ?', [packageName]); // nodes follow (ON DELETE CASCADE)
		await run(
			db,
			'INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
			[
				packageName,
				packageJson.version,
				packageJson.author?.name ?? null,
				packageJson.author?.email ?? null,
				now,
				now,
			],
		);
		for (const node of loadedNodes) {
			await run(
				db,
				'INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)',
				[
					nodeTypes[node.name].type.description.displayName,
					`${packageName}.${node.name}`,
					node.version,
					packageName,
				],
			);
		}
		await run(db, 'COMMIT');
	} finally {
		await new Promise((resolve) => db.close(resolve));
	}
	process.stdout.write(
		`${JSON.stringify({ packageName, version: packageJson.version, nodes: loadedNodes.length })}\n`,
	);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
