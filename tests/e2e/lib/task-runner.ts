/**
 * n8n's JavaScript task runner (runs Code nodes) as an external process next to `n8n start`.
 *
 * n8n 2.41.1 deprecates its internal runner mode (a start-up deprecation notice), and in that
 * mode also tries to start a Python runner, which fails loudly where Python is missing. In
 * external mode n8n starts no runner and waits for one to connect to its task broker: what
 * n8n's task-runner launcher does in Docker, done here for the one runner this setup needs.
 * The runner asks the broker for a one-time grant token with the shared auth token
 * (`POST /runners/auth`, as the launcher does), then connects with it.
 *
 * `n8n execute` gets no runner: the example and e2e workflows have no Code node.
 */
import { join } from 'node:path';

import type { N8nInstance } from './n8n';
import { E2E_DIR, NODE24_NODE } from './paths';
import { log, startProcess, stopProcess, type Started } from './proc';

/** Shared by n8n (N8N_RUNNERS_AUTH_TOKEN) and the runner; loopback only, so a fixed test value. */
export const RUNNERS_AUTH_TOKEN = 'appwrite-suite-e2e-runner-token-0001';

const RUNNER_START = join(E2E_DIR, 'node_modules', '@n8n', 'task-runner', 'dist', 'start.js');

async function grantToken(brokerUri: string, deadline: number): Promise<string> {
	for (;;) {
		try {
			const response = await fetch(`${brokerUri}/runners/auth`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ token: RUNNERS_AUTH_TOKEN }),
				signal: AbortSignal.timeout(2000),
			});
			if (response.ok) return ((await response.json()) as { data: { token: string } }).data.token;
		} catch {
			/* the broker is not listening yet */
		}
		if (Date.now() > deadline)
			throw new Error(`n8n's task broker at ${brokerUri} did not hand out a runner token`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

export interface TaskRunner extends Started {
	stop(): Promise<void>;
}

/** Starts the JS task runner for `instance` once its task broker answers (after `n8n start`). */
export async function startTaskRunner(
	instance: N8nInstance,
	timeoutMs = 60_000,
): Promise<TaskRunner> {
	const brokerUri = `http://127.0.0.1:${instance.brokerPort}`;
	const token = await grantToken(brokerUri, Date.now() + timeoutMs);
	// the flags n8n itself starts its JS runner with (JsTaskRunnerProcess); the instance's environment
	// keeps the network guard
	const started = startProcess(
		NODE24_NODE,
		['--disallow-code-generation-from-strings', '--disable-proto=delete', RUNNER_START],
		{
			cwd: instance.home,
			env: {
				...instance.env,
				N8N_RUNNERS_GRANT_TOKEN: token,
				N8N_RUNNERS_TASK_BROKER_URI: brokerUri,
			},
		},
	);
	started.child.once('exit', (code, signal) => {
		if (code !== 0 && code !== null)
			log(`n8n task runner ended (exit ${code}):\n${started.output().slice(-2000)}`);
		else if (signal && signal !== 'SIGTERM' && signal !== 'SIGKILL')
			log(`n8n task runner ended by ${signal}`);
	});
	return { ...started, stop: () => stopProcess(started.child, 5000) };
}
