import type { IExecuteFunctions } from 'n8n-workflow';
import { ID } from 'node-appwrite';

/** What Appwrite acknowledged of one chunked upload, so that a retry sends only the rest. */
export class UploadLedger {
	/** The ID the first chunk's answer gave, which later chunks send in `x-appwrite-id`. */
	uploadId?: string;

	/** Indexes of the chunks Appwrite answered with success. */
	readonly acknowledged = new Set<number>();

	private upload?: string;

	/** The ledger for this upload; another file or ID than last time starts over. */
	begin(upload: string): this {
		if (upload !== this.upload) {
			this.upload = upload;
			this.uploadId = undefined;
			this.acknowledged.clear();
		}
		return this;
	}

	/** Appwrite acknowledged part of an upload under this ID in this node run: the file is ours. */
	owns(id: string): boolean {
		return this.uploadId === id && this.acknowledged.size > 0;
	}
}

interface ItemMemory {
	/** IDs drawn for parameters left empty, by parameter name. */
	readonly ids: Map<string, string>;
	/** Upload progress, by parameter name. */
	readonly uploads: Map<string, UploadLedger>;
	/** An earlier try of this item sent a write and got no answer. */
	unanswered: boolean;
}

/**
 * What a retry of the same node run must reuse: the IDs drawn for fields left empty and the upload
 * chunks Appwrite acknowledged, per item. n8n's Retry On Fail runs the node again with the same
 * execution data and the same input items; a loop, another node, another execution or another n8n
 * instance has its own, and so does each call of the node as an AI tool (whose calls share the
 * agent's execution data but not their items). So the memory is keyed by both objects: it lives as
 * long as the run can be retried, is never shared with another run, and is freed with it.
 */
export class RunMemory {
	private readonly items = new Map<number, ItemMemory>();

	private item(itemIndex: number): ItemMemory {
		let memory = this.items.get(itemIndex);
		if (!memory) {
			memory = { ids: new Map(), uploads: new Map(), unanswered: false };
			this.items.set(itemIndex, memory);
		}
		return memory;
	}

	/** A unique ID for a parameter left empty, drawn once per item so that a retry reuses it. */
	idFor(itemIndex: number, param: string): string {
		const { ids } = this.item(itemIndex);
		if (!ids.has(param)) ids.set(param, ID.unique());
		return ids.get(param) as string;
	}

	/** Whether a record with this ID can only have been made by this run: its ID was drawn here, or its upload acknowledged. */
	owns(itemIndex: number, id: unknown): boolean {
		const memory = this.item(itemIndex);
		return (
			[...memory.ids.values()].includes(id as string) ||
			[...memory.uploads.values()].some((ledger) => ledger.owns(id as string))
		);
	}

	ledger(itemIndex: number, param: string): UploadLedger {
		const { uploads } = this.item(itemIndex);
		if (!uploads.has(param)) uploads.set(param, new UploadLedger());
		return uploads.get(param) as UploadLedger;
	}

	noteUnanswered(itemIndex: number): void {
		this.item(itemIndex).unanswered = true;
	}

	wasUnanswered(itemIndex: number): boolean {
		return this.item(itemIndex).unanswered;
	}
}

const memories = new WeakMap<object, WeakMap<object, RunMemory>>();

/** The memory of the node run this context executes, shared by all of its tries. */
export function runMemoryOf(context: IExecuteFunctions): RunMemory {
	const run = context.getExecuteData();
	const items = context.getInputData();
	let byItems = memories.get(run);
	if (!byItems) {
		byItems = new WeakMap();
		memories.set(run, byItems);
	}
	let memory = byItems.get(items);
	if (!memory) {
		memory = new RunMemory();
		byItems.set(items, memory);
	}
	return memory;
}
