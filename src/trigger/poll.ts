/**
 * The Appwrite Polling Trigger: lists the records created or updated since the last poll, by
 * `$createdAt` or `$updatedAt` with an `$id` tie-break (see cursor.ts), following Appwrite's
 * cursor across pages. The first poll after activation only notes where the list stands.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Query } from 'node-appwrite';

import { connect } from '../connect';
import { collectPages, recordsOfPages } from '../pagination';
import type { OutputSpec } from '../types';
import type { ListedRecord, PollCursor, WatchedField } from './cursor';
import { advance, cursorAfter, newestFirst, queriesFrom } from './cursor';
import { chosenIds } from './events';
import type { WatchedResource } from './resources';
import { resourceOf } from './resources';

export type Watch = 'created' | 'updated' | 'createdOrUpdated';

interface PollState extends IDataObject {
	cursor?: PollCursor & IDataObject;
}

type SdkMethod = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;

function fieldOf(watch: Watch): WatchedField {
	return watch === 'created' ? '$createdAt' : '$updatedAt';
}

function watchedResource(context: IPollFunctions): {
	resource: WatchedResource & Required<Pick<WatchedResource, 'list'>>;
	ids: Record<string, string>;
} {
	const value = String(context.getNodeParameter('resource'));
	const resource = resourceOf(value);
	if (!resource?.list)
		throw new NodeOperationError(context.getNode(), `The polling trigger cannot watch "${value}"`);
	try {
		const ids = chosenIds(
			resource,
			(name) => context.getNodeParameter(name, null, { extractValue: true }),
			false,
		);
		return { resource: resource as WatchedResource & Required<Pick<WatchedResource, 'list'>>, ids };
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}

export async function pollRecords(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const { resource, ids } = watchedResource(this);
	const watch = this.getNodeParameter('watch') as Watch;
	const field = fieldOf(watch);
	const { service, fail } = await connect(this, resource.list.service);
	const output: Extract<OutputSpec, { kind: 'list' }> = {
		kind: 'list',
		key: resource.list.key,
		pagination: 'cursor',
	};
	const list = async (queries: string[], limit = Infinity): Promise<ListedRecord[]> => {
		try {
			const method = (service as Record<string, SdkMethod>)[resource.list.method];
			const pages = await collectPages(output, {
				returnAll: limit === Infinity,
				limit,
				fetchPage: async (paging) =>
					await method.call(service, { ...ids, queries: [...queries, ...paging], total: false }),
			});
			return recordsOfPages(pages, output);
		} catch (error) {
			throw fail(error);
		}
	};

	const noun = resource.name.toLowerCase();
	if (this.getMode() === 'manual') {
		const [newest] = await list(newestFirst(field), 1);
		if (!newest)
			throw new NodeOperationError(
				this.getNode(),
				`There is no ${noun} yet: add one in Appwrite, then fetch again`,
			);
		return [[{ json: newest as IDataObject }]];
	}

	const state = this.getWorkflowStaticData('node') as PollState;
	const watchKey = JSON.stringify([resource.value, ids, field]);
	if (!state.cursor || state.cursor.watch !== watchKey) {
		// First poll of this watch: start after what is there now, emitting nothing.
		const [newest] = await list(newestFirst(field), 1);
		const sameInstant = newest
			? await list([Query.equal(field, String(newest[field])), Query.orderAsc('$id')])
			: [];
		state.cursor = cursorAfter(watchKey, field, sameInstant) as PollState['cursor'];
		return null;
	}

	const { fresh, cursor } = advance(
		state.cursor,
		field,
		await list(queriesFrom(state.cursor, field)),
	);
	state.cursor = cursor as PollState['cursor'];
	const emitted =
		watch === 'updated' ? fresh.filter((record) => record.$updatedAt !== record.$createdAt) : fresh;
	return emitted.length > 0 ? [emitted.map((record) => ({ json: record as IDataObject }))] : null;
}
