import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
execFileSync(
	process.execPath,
	[require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')],
	{
		stdio: 'inherit',
	},
);

// n8n reads icons and codex files from beside the built node and credential files.
for (const dir of ['generated', 'nodes', 'credentials']) {
	for (const entry of readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
		if (entry.isFile() && /\.(svg|png|node\.json)$/.test(entry.name)) {
			const source = path.join(entry.parentPath, entry.name);
			cpSync(source, path.join(DIST, path.relative(ROOT, source)));
		}
	}
}
