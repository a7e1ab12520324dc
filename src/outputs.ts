import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BinaryAnswer } from './transport';

/**
 * The transport reads integers beyond 2^53 as BigInt, which n8n cannot serialise. Safe integers
 * become numbers; larger ones become strings so no digit is lost. Keys are copied as own data
 * properties, so user data holding `__proto__` stays data and changes no prototype.
 */
export function toJsonSafe(value: unknown): unknown {
	if (typeof value === 'bigint') {
		return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
			? Number(value)
			: value.toString();
	}
	if (Array.isArray(value)) return value.map(toJsonSafe);
	if (value !== null && typeof value === 'object') {
		if (value instanceof Date) return value.toISOString();
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			Object.defineProperty(copy, key, {
				value: toJsonSafe(entry),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return copy;
	}
	return value;
}

export function jsonItem(value: unknown, itemIndex: number): INodeExecutionData {
	const safe = toJsonSafe(value);
	const json = (
		safe !== null && typeof safe === 'object' && !Array.isArray(safe) ? safe : { result: safe }
	) as IDataObject;
	return { json, pairedItem: { item: itemIndex } };
}

/** Replaces `{name}` in a file-name template with that input's value. */
export function fillFileName(template: string, values: Record<string, unknown>): string {
	return template.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = values[name];
		return value === undefined || value === null || value === '' ? name : String(value);
	});
}

/**
 * Binary endpoints answer bytes; when the server answers JSON instead, the transport hands back the
 * parsed object, which must fail the item rather than become a broken file. Stored file details
 * name the MIME type; otherwise Appwrite's Content-Type does.
 */
export async function binaryItem(
	context: IExecuteFunctions,
	result: unknown,
	itemIndex: number,
	options: { fileName: string; mimeType?: string; json?: unknown; binaryProperty: string },
): Promise<INodeExecutionData> {
	if (!(result instanceof BinaryAnswer)) {
		const message =
			result && typeof result === 'object' && 'message' in result
				? String((result as IDataObject).message)
				: 'no file content';
		throw new NodeOperationError(
			context.getNode(),
			`Appwrite answered without file content: ${message}`,
			{ itemIndex },
		);
	}
	const mimeType =
		options.mimeType ??
		(result.mimeType === 'application/octet-stream' ? undefined : result.mimeType);
	const binary = await context.helpers.prepareBinaryData(result.data, options.fileName, mimeType);
	// Without an extension in the name, n8n detects the type from the bytes; name the file after it.
	if (!/\.\w+$/.test(options.fileName) && binary.fileExtension)
		binary.fileName = `${options.fileName}.${binary.fileExtension}`;
	const item = options.json === undefined ? { json: {} } : jsonItem(options.json, itemIndex);
	return {
		json: item.json,
		binary: { [options.binaryProperty]: binary },
		pairedItem: { item: itemIndex },
	};
}
