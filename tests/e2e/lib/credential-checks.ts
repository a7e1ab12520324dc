/**
 * The credential test as the editor's credential dialog runs it (`POST /rest/credentials/test`):
 * the stand-in credential passes; a wrong key and an endpoint where nothing listens fail with the
 * message a user needs.
 */
import { testCredential, type CredentialFile, type RestClient } from './n8n';
import { closedEndpoint, standInCredential } from './setup';
import type { Tally } from './tally';

export interface BadCredentials {
	wrongKey: CredentialFile;
	unreachable: CredentialFile;
}

/** The two failing credentials, for import next to the good one (`SetupOptions.extraCredentials`). */
export async function badCredentials(endpoint: string): Promise<BadCredentials> {
	return {
		wrongKey: standInCredential(
			endpoint,
			{ id: 'e2eAppwriteBadKy', name: 'Appwrite (stand-in, wrong key)' },
			{ apiKey: 'wrong-key-0000' },
		),
		unreachable: standInCredential(await closedEndpoint(), {
			id: 'e2eAppwriteDown1',
			name: 'Appwrite (nothing listening)',
		}),
	};
}

/** Runs the three credential tests on an instance where the credentials are imported. */
export async function checkCredentialTests(
	client: RestClient,
	good: CredentialFile,
	bad: BadCredentials,
	tally: Tally,
): Promise<void> {
	const cases: Array<{
		credential: CredentialFile;
		expect: 'OK' | 'Error';
		message?: RegExp;
		label: string;
	}> = [
		{ credential: good, expect: 'OK', label: 'good key → OK' },
		{
			credential: bad.wrongKey,
			expect: 'Error',
			message: /did not recognise the API key/i,
			label: 'wrong key → "did not recognise the API key"',
		},
		{
			credential: bad.unreachable,
			expect: 'Error',
			message: /Could not reach/i,
			label: 'nothing listening → "Could not reach"',
		},
	];
	for (const c of cases) {
		const name = `credential test: ${c.label}`;
		try {
			const result = await testCredential(client, c.credential);
			if (result.status !== c.expect) throw new Error(`status ${result.status}: ${result.message}`);
			if (c.message && !c.message.test(result.message))
				throw new Error(`message "${result.message}" does not match ${c.message}`);
			tally.pass(name, `"${result.message}"`);
		} catch (error) {
			tally.fail(name, tally.errorText(error));
		}
	}
}
