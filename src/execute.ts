import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Client } from 'node-appwrite';
import { AppwriteException } from 'node-appwrite';

import { createAppwriteClient } from './client';
import { NODE_FIELDS } from './descriptions';
import {
	errorItemJson,
	maybeApplied,
	PartialProgressError,
	rootCause,
	toNodeError,
} from './errors';
import type { RunMemory } from './ids';
import { runMemoryOf } from './ids';
import { readInputs, readPaging } from './inputs';
import { binaryFileName, binaryItem, fillFileName, jsonItem } from './outputs';
import { collectPages, recordItems, recordsOf } from './pagination';
import { simplifyRecord } from './simplify';
import type { AppwriteTransport } from './transport';
import type {
	ActionSpec,
	ActionTable,
	AppwriteCredentials,
	StepCondition,
	StepSpec,
} from './types';

/** A node-appwrite service class, such as `Users` or `Storage`. */
export type ServiceClass = new (client: Client) => object;

type SdkMethod = (params: Record<string, unknown>) => Promise<unknown>;

function shouldRun(condition: StepCondition | undefined, values: Record<string, unknown>): boolean {
	if (condition === undefined) return true;
	if (typeof condition === 'string') return values[condition] !== undefined;
	return condition.in.includes(String(values[condition.param]));
}

function callStep(
	service: object,
	step: StepSpec,
	values: Record<string, unknown>,
): Promise<unknown> {
	const params: Record<string, unknown> = {};
	for (const name of step.args) {
		if (values[name] !== undefined) params[name] = values[name];
	}
	const method = (service as Record<string, SdkMethod>)[step.method];
	return method.call(service, params);
}

/**
 * The first step of a create. When Appwrite reports the record's ID taken and that ID can only be
 * this run's (drawn here, or its upload acknowledged), an earlier try made the record before its
 * answer was lost: read it back instead of failing or making another.
 */
function createOrReadBack(
	service: object,
	action: ActionSpec,
	step: StepSpec,
	values: Record<string, unknown>,
	itemIndex: number,
	memory: RunMemory,
): Promise<unknown> {
	return callStep(service, step, values).catch(async (error: unknown) => {
		const cause = rootCause(error);
		if (!(cause instanceof AppwriteException) || cause.code !== 409 || !action.readBack)
			throw error;
		const ids = action.params
			.filter((param) => param.kind === 'id')
			.map((param) => values[param.name]);
		if (!ids.some((id) => memory.owns(itemIndex, id))) throw error;
		return await callStep(service, action.readBack, values).catch(() => Promise.reject(error));
	});
}

/**
 * An item's failure, remembered for a retry: after a try whose write got no answer, a 404 or 409
 * may be that try's doing, and the error says so.
 */
function noteFailure(error: unknown, itemIndex: number, memory: RunMemory): unknown {
	const earlierUnanswered = memory.wasUnanswered(itemIndex);
	if (maybeApplied(error)) memory.noteUnanswered(itemIndex);
	const cause = rootCause(error);
	const explained = cause instanceof AppwriteException && [404, 409].includes(cause.code);
	if (!earlierUnanswered || !explained) return error;
	return new PartialProgressError(
		error,
		'An earlier try of this item sent a write and got no answer: it may have been applied, ' +
			'which would explain this answer. Check before repeating it.',
	);
}

/** `updateEmailVerification` → `update email verification`. */
function stepWords(method: string): string {
	return method.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A later step's failure, naming what the earlier steps changed. */
function afterApplied(error: unknown, applied: string[], first: unknown): unknown {
	if (applied.length === 0) return error;
	const id = (first as { $id?: unknown } | undefined)?.$id;
	const record = typeof id === 'string' ? `; the record's ID is "${id}"` : '';
	return new PartialProgressError(
		error,
		`Already applied before this failure: ${applied.join(', ')}${record}.`,
	);
}

/** Runs the steps in order; when one fails after others changed something, the error says what. */
async function runSteps(
	service: object,
	action: ActionSpec,
	steps: readonly StepSpec[],
	values: Record<string, unknown>,
	itemIndex: number,
	memory: RunMemory,
): Promise<unknown[]> {
	const results: unknown[] = [];
	const applied: string[] = [];
	for (const [index, step] of steps.entries()) {
		try {
			results.push(
				index === 0
					? await createOrReadBack(service, action, step, values, itemIndex, memory)
					: await callStep(service, step, values),
			);
		} catch (error) {
			throw afterApplied(error, applied, results[0]);
		}
		if (!/^(get|list)/.test(step.method)) applied.push(stepWords(step.method));
	}
	return results;
}

async function runAction(
	context: IExecuteFunctions,
	service: object,
	action: ActionSpec,
	itemIndex: number,
	memory: RunMemory,
): Promise<INodeExecutionData[]> {
	const values = await readInputs(context, action.params, itemIndex, memory);
	const steps = action.steps.filter((step) => shouldRun(step.when, values));
	if (steps.length === 0) {
		throw new NodeOperationError(
			context.getNode(),
			'Nothing to do: none of the optional fields was given',
			{ itemIndex },
		);
	}
	const { output } = action;
	const lastStep = steps[steps.length - 1];
	// A list's last step is called page by page below.
	const once = output.kind === 'list' ? steps.slice(0, -1) : steps;
	const results = await runSteps(service, action, once, values, itemIndex, memory);

	// Simplify, where the action has it and it is on: the records' reduced shape (simplify.ts).
	const offered = output.kind === 'list' || output.kind === 'object' ? output.simplify : undefined;
	const simplify =
		offered && context.getNodeParameter(NODE_FIELDS.simplify, itemIndex, false) === true
			? offered
			: undefined;
	const shape = (record: unknown) => (simplify ? simplifyRecord(simplify, record) : record);

	if (output.kind === 'list') {
		const { returnAll, limit, pageSize } = readPaging(context, itemIndex);
		const userQueries = (values.queries as string[] | undefined) ?? [];
		const pages = await collectPages(output, {
			returnAll,
			limit,
			pageSize,
			fetchPage: async (paginationQueries) => {
				const queries = [...userQueries, ...paginationQueries];
				const pageValues = queries.length > 0 ? { ...values, queries } : values;
				return (await callStep(service, lastStep, pageValues)) as Record<string, unknown>;
			},
		});
		if (context.getNodeParameter(NODE_FIELDS.listOutput, itemIndex, 'records') === 'pages') {
			return pages.map((page) =>
				jsonItem(
					simplify ? { ...page, [output.key]: recordsOf(page, output).map(shape) } : page,
					itemIndex,
				),
			);
		}
		return recordItems(pages, output, limit, itemIndex, shape);
	}

	const result = results[results.length - 1];
	if (output.kind === 'delete')
		return [{ json: { success: true }, pairedItem: { item: itemIndex } }];
	if (output.kind === 'binary') {
		const metadata =
			output.metadataStep === undefined
				? undefined
				: (results[output.metadataStep] as Record<string, unknown>);
		const name = binaryFileName(result, metadata?.name, fillFileName(output.fileName, values));
		return [
			await binaryItem(context, result, itemIndex, {
				fileName: name,
				mimeType: typeof metadata?.mimeType === 'string' ? metadata.mimeType : undefined,
				json: metadata,
				binaryProperty: String(
					context.getNodeParameter(NODE_FIELDS.binaryProperty, itemIndex, 'data'),
				),
			}),
		];
	}
	return [jsonItem(shape(result), itemIndex)];
}

/**
 * The execution loop shared by every generated node: one client per execution, each input item
 * read and run on its own, every output paired with its input, and with Continue On Fail exactly
 * one error item in place of each failed input item. The client's connections close when the
 * execution of the node ends, and Appwrite's warnings become execution hints.
 */
export async function executeActions(
	this: IExecuteFunctions,
	Service: ServiceClass,
	actions: ActionTable,
): Promise<INodeExecutionData[][]> {
	const credentials = await this.getCredentials<AppwriteCredentials & Record<string, unknown>>(
		'appwriteApi',
	);
	let client: AppwriteTransport | undefined;
	let service: object | undefined;
	let setupError: unknown;
	try {
		client = createAppwriteClient(credentials, this.getExecutionCancelSignal());
		service = new Service(client);
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
	if (!action)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);

	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	const memory = runMemoryOf(this);
	const endpoint = client?.config.endpoint ?? '';
	try {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				if (!service) throw setupError;
				output.push(...(await runAction(this, service, action, itemIndex, memory)));
			} catch (error) {
				const failure = noteFailure(error, itemIndex, memory);
				const nodeError = toNodeError(this.getNode(), failure, itemIndex, endpoint);
				if (!this.continueOnFail()) throw nodeError;
				output.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
			}
		}
	} finally {
		client?.close();
		const hints = [...(client?.warnings ?? [])].map((warning) => ({
			message: `Appwrite warned: ${warning}`,
			type: 'warning' as const,
		}));
		this.addExecutionHints(...hints);
	}
	return [output];
}
