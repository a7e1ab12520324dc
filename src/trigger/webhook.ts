/**
 * The Appwrite Trigger's webhook: its lifecycle in Appwrite (automatic registration through the
 * Webhooks service, kept in the workflow's static data the way n8n's own triggers keep theirs) and
 * the handling of each delivery (signature, duplicates, the item).
 */
import { createHash, randomBytes } from 'node:crypto';

import type {
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { ID, Webhooks } from 'node-appwrite';

import type { NodeError } from '../errors';
import { connect } from '../connect';
import { actionOf } from './resources';
import { subscribedEvents } from './events';
import { isSignedBy, SIGNATURE_HEADER } from './signature';

/** What the node keeps in the workflow's static data. */
interface WebhookState extends IDataObject {
	webhookId?: string;
	/** The URL exactly as registered: Appwrite signs it with each body. */
	webhookUrl?: string;
	webhookSecret?: string;
	/** Keys of the latest deliveries, to drop Appwrite's repeats of one record version. */
	recentDeliveries?: string[];
}

const RECENT_DELIVERIES = 100;
/** Appwrite allows names of up to 128 characters. */
const NAME_LIMIT = 128;

type TriggerContext = IHookFunctions | IWebhookFunctions;

function stateOf(context: TriggerContext): WebhookState {
	return context.getWorkflowStaticData('node') as WebhookState;
}

function parameter(context: TriggerContext, name: string): unknown {
	return context.getNodeParameter(name, null, { extractValue: true });
}

function isAutomatic(context: TriggerContext): boolean {
	return parameter(context, 'registration') !== 'manual';
}

function eventsOf(context: TriggerContext): string[] {
	try {
		return subscribedEvents((name) => parameter(context, name));
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}

function urlOf(context: TriggerContext): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

function appwriteTypeOf(error: NodeError): string {
	return error instanceof NodeApiError
		? String((error.errorResponse as JsonObject | undefined)?.type ?? '')
		: '';
}

function isNotFound(error: NodeError): boolean {
	return error instanceof NodeApiError && error.httpCode === '404';
}

/** What to do when registering fails for the reasons a trigger meets most. */
function explainRegistration(error: NodeError, url: string): NodeError {
	const type = appwriteTypeOf(error);
	if (type === 'general_route_not_found') {
		error.description =
			'This Appwrite server has no Webhooks API for API keys (self-hosted 1.8 or earlier). Set Registration to Manual and add the webhook in the Appwrite console.';
	} else if (
		error instanceof NodeApiError &&
		(error.httpCode === '401' || error.httpCode === '403')
	) {
		error.description =
			`${error.description ?? ''} The trigger needs the scopes webhooks.read and webhooks.write.`.trim();
	} else if (
		error instanceof NodeApiError &&
		error.httpCode === '400' &&
		/url/i.test(error.message)
	) {
		error.description = `n8n registered ${url}. Appwrite accepts only public URLs (not localhost or bare IP addresses): set n8n's WEBHOOK_URL to the address where Appwrite can reach this n8n.`;
	}
	return error;
}

function forget(state: WebhookState): void {
	delete state.webhookId;
	delete state.webhookUrl;
	delete state.webhookSecret;
}

function webhookName(context: IHookFunctions): string {
	const workflow = context.getWorkflow();
	return `n8n: ${workflow.name ?? workflow.id ?? 'workflow'} / ${context.getNode().name}`.slice(
		0,
		NAME_LIMIT,
	);
}

function sameEvents(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * On activation: is our webhook still in Appwrite, with this URL and these events, and enabled?
 * A webhook that drifted (other events, a new URL, disabled after failed deliveries) is updated;
 * a missing one is forgotten so that n8n creates a new one.
 */
export async function webhookExists(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	const state = stateOf(this);
	if (!state.webhookId || !state.webhookSecret) return false;
	const url = urlOf(this);
	const events = eventsOf(this);
	const { service, fail } = await connect(this, Webhooks);
	let webhook;
	try {
		webhook = await service.get({ webhookId: state.webhookId });
	} catch (error) {
		const failure = fail(error);
		if (!isNotFound(failure)) throw explainRegistration(failure, url);
		forget(state);
		return false;
	}
	if (webhook.url !== url || !sameEvents(webhook.events, events) || !webhook.enabled) {
		try {
			await service.update({
				webhookId: webhook.$id,
				name: webhook.name,
				url,
				events,
				enabled: true,
				tls: webhook.tls,
			});
		} catch (error) {
			throw explainRegistration(fail(error), url);
		}
	}
	state.webhookUrl = url;
	return true;
}

/** Registers a webhook for n8n's URL with a secret generated here, and keeps ID, URL and secret. */
export async function createWebhook(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	const url = urlOf(this);
	const events = eventsOf(this);
	const secret = randomBytes(32).toString('hex');
	const { service, fail } = await connect(this, Webhooks);
	let webhook;
	try {
		webhook = await service.create({
			webhookId: ID.unique(),
			url,
			name: webhookName(this),
			events,
			enabled: true,
			secret,
		});
	} catch (error) {
		throw explainRegistration(fail(error), url);
	}
	const state = stateOf(this);
	state.webhookId = webhook.$id;
	state.webhookUrl = webhook.url || url;
	// Appwrite signs with the secret it stored: the one it returns, which is ours where the server takes one.
	state.webhookSecret = webhook.secret || secret;
	return true;
}

/** On deactivation: deletes the webhook this trigger registered (one already gone counts as deleted). */
export async function deleteWebhook(this: IHookFunctions): Promise<boolean> {
	const state = stateOf(this);
	if (!state.webhookId) return true;
	const { service, fail } = await connect(this, Webhooks);
	try {
		await service.delete({ webhookId: state.webhookId });
	} catch (error) {
		if (!isNotFound(fail(error))) return false;
	}
	forget(state);
	return true;
}

/** The secret and URL that signed a genuine delivery, or undefined when the trigger has none. */
async function signingKeyOf(
	context: IWebhookFunctions,
	state: WebhookState,
): Promise<{ secret: string; url: string } | undefined> {
	if (isAutomatic(context)) {
		return state.webhookSecret && state.webhookUrl
			? { secret: state.webhookSecret, url: state.webhookUrl }
			: undefined;
	}
	const { signingSecret } = await context.getCredentials<{ signingSecret?: string }>(
		'appwriteWebhookApi',
	);
	const options = context.getNodeParameter('options', {}) as { registeredUrl?: string };
	const url = options.registeredUrl?.trim() || urlOf(context);
	return signingSecret ? { secret: signingSecret, url } : undefined;
}

function refuse(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.statusCode = status;
	response.setHeader('content-type', 'application/json');
	response.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

function headerOf(context: IWebhookFunctions, name: string): string {
	const value = context.getHeaderData()[name];
	return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

/** The most specific event name of a delivery: the one with the fewest wildcards. */
function mostSpecific(events: readonly string[]): string {
	const wildcards = (event: string) => event.split('.').filter((segment) => segment === '*').length;
	return events.reduce<string>(
		(best, event) => (best === '' || wildcards(event) < wildcards(best) ? event : best),
		'',
	);
}

/** One record version of one event: Appwrite's repeats of a delivery share it. */
function deliveryKey(event: string, resource: IDataObject, body: Buffer): string {
	const version =
		typeof resource.$updatedAt === 'string'
			? resource.$updatedAt
			: createHash('sha256').update(body).digest('hex');
	return createHash('sha256')
		.update(`${event}\n${String(resource.$id ?? '')}\n${version}`)
		.digest('base64url')
		.slice(0, 22);
}

function isRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A delivery: checked, then the resource as the item's JSON with the event's metadata beside it. */
export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const state = stateOf(this);
	const body = Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
	const verify = this.getNodeParameter('verifySignature', true) !== false;
	if (verify) {
		const key = await signingKeyOf(this, state);
		if (!key || !body || !isSignedBy(key.secret, key.url, body, headerOf(this, SIGNATURE_HEADER))) {
			return refuse(
				this,
				401,
				'Missing or wrong X-Appwrite-Webhook-Signature: this delivery was not signed by the webhook of this trigger',
			);
		}
	}
	const resource = this.getBodyData() as unknown;
	if (!isRecord(resource)) return refuse(this, 400, 'Expected the JSON object Appwrite sends');

	const events = headerOf(this, 'x-appwrite-webhook-events')
		.split(',')
		.map((event) => event.trim())
		.filter(Boolean);
	const event = mostSpecific(events);
	const key = deliveryKey(event, resource, body ?? Buffer.from(JSON.stringify(resource)));
	const recent = state.recentDeliveries ?? [];
	if (recent.includes(key)) return { webhookResponse: { received: true, duplicate: true } };
	state.recentDeliveries = [...recent, key].slice(-RECENT_DELIVERIES);

	const metadata: IDataObject = {
		event,
		action: actionOf(event) ?? '',
		events,
		webhookId: headerOf(this, 'x-appwrite-webhook-id'),
		webhookName: headerOf(this, 'x-appwrite-webhook-name'),
		projectId: headerOf(this, 'x-appwrite-webhook-project-id'),
		userId: headerOf(this, 'x-appwrite-webhook-user-id'),
		signatureVerified: verify,
	};
	return { workflowData: [[{ json: { ...resource, $event: metadata } }]] };
}
