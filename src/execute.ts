import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Client } from 'node-appwrite';

import { createAppwriteClient, normalizeEndpoint } from './client';
import { NODE_FIELDS } from './descriptions';
import { errorItemJson, toNodeError } from './errors';
import { readInputs } from './inputs';
import { binaryItem, fillFileName, jsonItem } from './outputs';
import { collectPages, recordsOfPages } from './pagination';
import type { ActionSpec, ActionTable, AppwriteCredentials, StepCondition, StepSpec } from './types';

/** A node-appwrite service class, such as `Users` or `Storage`. */
export type ServiceClass = new (client: Client) => object;

type SdkMethod = (params: Record<string, unknown>) => Promise<unknown>;

function shouldRun(condition: StepCondition | undefined, values: Record<string, unknown>): boolean {
	if (condition === undefined) return true;
	if (typeof condition === 'string') return values[condition] !== undefined;
	return condition.in.includes(String(values[condition.param]));
}

function callStep(service: object, step: StepSpec, values: Record<string, unknown>): Promise<unknown> {
	const params: Record<string, unknown> = {};
	for (const name of step.args) {
		if (values[name] !== undefined) params[name] = values[name];
	}
	const method = (service as Record<string, SdkMethod>)[step.method];
	return method.call(service, params);
}

async function runAction(
	context: IExecuteFunctions,
	service: object,
	action: ActionSpec,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const values = await readInputs(context, action.params, itemIndex);
	const steps = action.steps.filter((step) => shouldRun(step.when, values));
	if (steps.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Nothing to do: none of the optional fields was given', { itemIndex });
	}
	const lastStep = steps[steps.length - 1];
	const results: unknown[] = [];
	for (const step of steps.slice(0, -1)) results.push(await callStep(service, step, values));

	const { output } = action;
	if (output.kind === 'list') {
		const returnAll = context.getNodeParameter(NODE_FIELDS.returnAll, itemIndex, false) as boolean;
		const limit = returnAll ? Infinity : (context.getNodeParameter(NODE_FIELDS.limit, itemIndex, 50) as number);
		const userQueries = (values.queries as string[] | undefined) ?? [];
		const pages = await collectPages(output, {
			returnAll,
			limit,
			fetchPage: async (paginationQueries) => {
				const queries = [...userQueries, ...paginationQueries];
				const pageValues = queries.length > 0 ? { ...values, queries } : values;
				return (await callStep(service, lastStep, pageValues)) as Record<string, unknown>;
			},
		});
		if (context.getNodeParameter(NODE_FIELDS.listOutput, itemIndex, 'records') === 'pages') {
			return pages.map((page) => jsonItem(page, itemIndex));
		}
		return recordsOfPages(pages, output)
			.slice(0, limit)
			.map((record) => jsonItem(record, itemIndex));
	}

	const result = await callStep(service, lastStep, values);
	if (output.kind === 'delete') return [{ json: { success: true }, pairedItem: { item: itemIndex } }];
	if (output.kind === 'binary') {
		const metadata = output.metadataStep === undefined ? undefined : (results[output.metadataStep] as Record<string, unknown>);
		const name = typeof metadata?.name === 'string' && metadata.name ? metadata.name : fillFileName(output.fileName, values);
		return [
			await binaryItem(context, result, itemIndex, {
				fileName: name,
				mimeType: typeof metadata?.mimeType === 'string' ? metadata.mimeType : undefined,
				json: metadata,
				binaryProperty: String(context.getNodeParameter(NODE_FIELDS.binaryProperty, itemIndex, 'data')),
			}),
		];
	}
	return [jsonItem(result, itemIndex)];
}

/**
 * The execution loop shared by every generated node: one client per execution, each input item
 * read and run on its own, every output paired with its input, and with Continue On Fail exactly
 * one error item in place of each failed input item.
 */
export async function executeActions(
	this: IExecuteFunctions,
	Service: ServiceClass,
	actions: ActionTable,
): Promise<INodeExecutionData[][]> {
	const credentials = await this.getCredentials<AppwriteCredentials & Record<string, unknown>>('appwriteApi');
	let service: object | undefined;
	let endpoint = String(credentials.endpoint);
	let setupError: unknown;
	try {
		endpoint = normalizeEndpoint(credentials.endpoint);
		service = new Service(createAppwriteClient(credentials));
	} catch (error) {
		setupError = new NodeOperationError(this.getNode(), (error as Error).message, {
			description: 'Check the API Endpoint in the Appwrite credential.',
		});
	}

	// Resource and operation take no expressions, so they are the same for every item.
	const resource = this.getNodeParameter(NODE_FIELDS.resource, 0) as string;
	const operation = this.getNodeParameter(NODE_FIELDS.operation, 0) as string;
	const key = `${resource}.${operation}`;
	const action = actions[`${key}@${this.getNode().typeVersion}`] ?? actions[key];
	if (!action) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);

	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (!service) throw setupError;
			output.push(...(await runAction(this, service, action, itemIndex)));
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, endpoint);
			if (!this.continueOnFail()) throw nodeError;
			output.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
