/**
 * Queue-mode checks for the package's trigger nodes: the place where the Appwrite Trigger's
 * scale-out behaviour is proven once the node exists (issue 14). No trigger ships yet, so there is
 * no check to run; what is checked now is that none ships without one: `untestedTriggers` fails
 * the scale test for any trigger node of the package that is not in QUEUE_CHECKED_TRIGGERS.
 *
 * What to add here for the Appwrite Trigger, run by scale.ts against the live main + 2 workers:
 * - webhook trigger: publish a workflow that starts with it on the main instance; the stand-in
 *   traffic shows exactly one webhook registration (create) call, made by main, none by the
 *   workers; a signed delivery POSTed to its production URL on main becomes one execution (mode
 *   `webhook`) run by a worker (its event log); unpublishing deletes the registration once.
 * - polling trigger: publish a workflow with a short poll interval; over several intervals the
 *   stand-in sees one poll per interval (the main leader polls, the workers never do), and each
 *   new event becomes one execution run by a worker.
 */
import type { RestClient } from './lib/n8n';

/** Node types (`<package>.<node>`) whose queue-mode checks live in this file. */
const QUEUE_CHECKED_TRIGGERS = new Set<string>();

interface NodeTypeDescription {
	name: string;
	group?: string[];
	polling?: boolean;
	webhooks?: unknown[];
}

/**
 * The package's trigger nodes as n8n describes them to the editor (`GET /types/nodes.json`) that
 * have no queue-mode check here, each with its kind, e.g. `…appwriteTrigger (webhook)`.
 */
export async function untestedTriggers(client: RestClient, packageName: string): Promise<string[]> {
	const response = await client.request('GET', '//types/nodes.json');
	if (!Array.isArray(response.raw)) throw new Error(`GET /types/nodes.json answered ${response.status}`);
	return (response.raw as NodeTypeDescription[])
		.filter((node) => node.name.startsWith(`${packageName}.`) && (node.group ?? []).includes('trigger'))
		.filter((node) => !QUEUE_CHECKED_TRIGGERS.has(node.name))
		.map((node) => `${node.name} (${node.polling ? 'polling' : node.webhooks?.length ? 'webhook' : 'trigger'})`);
}
