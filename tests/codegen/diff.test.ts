import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadCatalog, ROOT } from '../../codegen/catalog';
import type { Difference } from '../../codegen/diff';
import { diffCatalog, loadExclusions, VENDORED_SPEC } from '../../codegen/diff';
import { readSpec } from '../../codegen/openapi';
import { SdkDeclarations } from '../../codegen/sdk';

let pinned: SdkDeclarations;
const catalog = loadCatalog();
const exclusions = loadExclusions();

const scratch = mkdtempSync(path.join(tmpdir(), 'catalog-diff-'));

beforeAll(() => {
	pinned = new SdkDeclarations();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function diff(sdk: SdkDeclarations, specFile = VENDORED_SPEC): Difference[] {
	return diffCatalog({ catalog, sdk, spec: readSpec(specFile, sdk.serviceNames()), exclusions });
}

/** A copy of the vendored spec with an edit applied, written to a temporary file. */
function editedSpec(edit: (spec: Record<string, any>) => void): string {
	const spec = JSON.parse(readFileSync(VENDORED_SPEC, 'utf8'));
	edit(spec);
	const file = path.join(mkdtempSync(path.join(scratch, 'spec-')), 'spec.json');
	writeFileSync(file, JSON.stringify(spec));
	return file;
}

describe('catalog:diff', () => {
	it('finds nothing missing against the pinned SDK and the vendored spec, beyond the documented exclusions', () => {
		expect(diff(pinned)).toEqual([]);
	});

	it('reports what node-appwrite 27 removed and changed', () => {
		const next = new SdkDeclarations(path.join(ROOT, 'node_modules', 'node-appwrite-27'));
		expect(next.version).toMatch(/^27\./);
		const details = diff(next).map(
			(difference) => `${difference.source} ${difference.kind} ${difference.detail}`,
		);
		expect(details).toContain('node-appwrite sdk node-appwrite 27.1.0 has no service class Health');
		expect(details).toContain(
			'node-appwrite sdk action message.getLogs: node-appwrite 27.1.0 has no method Messaging.listMessageLogs',
		);
		expect(details.some((detail) => /not in the catalog/.test(detail))).toBe(true);
	});

	it('reports operations added to, changed in and removed from an edited spec', () => {
		const file = editedSpec((spec) => {
			delete spec.paths['/users/{userId}/prefs'].get;
			spec.paths['/users'].post.requestBody.content['application/json'].schema.properties.nickname =
				{ type: 'string' };
			spec.paths['/users'].post.requestBody.content['application/json'].schema.required.push(
				'email',
			);
			spec.paths['/avatars/browsers/{code}'].get.parameters[0].schema.enum.push('zz');
			spec.paths['/tokens/{tokenId}'].get.deprecated = true;
			spec.paths['/tokens/{tokenId}'].get['x-appwrite'].deprecated = {
				since: '1.9.0',
				replaceWith: 'tokens.read',
			};
			spec.paths['/users/{userId}/nickname'] = {
				patch: {
					tags: ['users'],
					operationId: 'usersUpdateNickname',
					'x-appwrite': { method: 'updateNickname', platforms: ['server'] },
				},
			};
		});
		const details = diff(pinned, file)
			.filter((difference) => difference.source === 'spec')
			.map((difference) => difference.detail);
		expect(details).toEqual(
			expect.arrayContaining([
				'user.getPreferences calls Users.getPrefs, which the spec does not have',
				'user.create (create): the spec has parameter "nickname" (string), the catalog does not',
				'user.create (create): "email" is required in the spec, optional in the catalog',
				'avatar.getBrowser (getBrowser): "code" has new values in the spec: zz',
				'token.get: Tokens.get is deprecated; use tokens.read',
				'PATCH /users/{userId}/nickname (Users.updateNickname) is not in the catalog',
			]),
		);
	});

	it('reads the 1.9.x format: method from operationId, enums as oneOf', () => {
		const file = editedSpec((spec) => {
			spec.paths = {
				'/users/{userId}/verification': {
					patch: {
						tags: ['users'],
						operationId: 'usersUpdateEmailVerification',
						'x-appwrite': { platforms: ['console', 'server'], group: null },
						parameters: [
							{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } },
						],
						requestBody: {
							content: {
								'application/json': {
									schema: {
										properties: {
											emailVerification: { type: 'boolean' },
											mode: {
												title: 'Mode',
												oneOf: [
													{ enum: ['fast'], title: 'Fast' },
													{ enum: ['slow'], title: 'Slow' },
												],
											},
										},
										required: ['emailVerification'],
									},
								},
							},
						},
					},
				},
				'/console/only': {
					get: {
						tags: ['users'],
						operationId: 'usersConsoleOnly',
						'x-appwrite': { platforms: ['console'] },
					},
				},
			};
		});
		const [operation, ...others] = readSpec(file, pinned.serviceNames());
		expect(others).toEqual([]);
		expect(operation).toMatchObject({
			service: 'Users',
			method: 'updateEmailVerification',
			httpMethod: 'patch',
		});
		expect(Object.fromEntries(operation.params)).toEqual({
			userId: { required: true, type: 'string', enum: undefined },
			emailVerification: { required: true, type: 'boolean', enum: undefined },
			mode: { required: false, type: 'string', enum: ['fast', 'slow'] },
		});
	});
});
