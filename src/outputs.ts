import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BinaryAnswer } from './transport';

/**
 * The transport reads integers beyond 2^53 as BigInt, which n8n cannot serialise. Safe integers
 * become numbers; larger ones become strings so no digit is lost. Answers are freshly parsed and
 * owned by the node, so they are converted in place rather than copied (a list of thousands of
 * records stays one copy); a changed key is redefined as an own data property, so user data
 * holding `__proto__` stays data and changes no prototype.
 */
export function toJsonSafe(value: unknown): unknown {
	if (typeof value === 'bigint') {
		return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
			? Number(value)
			: value.toString();
	}
	if (value instanceof Date) return value.toISOString();
	if (value !== null && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const entry = record[key];
			const safe = toJsonSafe(entry);
			if (safe !== entry) {
				Object.defineProperty(record, key, {
					value: safe,
					enumerable: true,
					writable: true,
					configurable: true,
				});
			}
		}
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

/** The name a downloaded file gets: from its stored details, else Appwrite's Content-Disposition, else the action's template. */
export function binaryFileName(answer: unknown, detailsName: unknown, template: string): string {
	if (typeof detailsName === 'string' && detailsName) return detailsName;
	return (answer instanceof BinaryAnswer && answer.fileName) || template;
}

/**
 * Binary endpoints answer bytes, which are streamed into n8n's binary data (to disk in its
 * filesystem mode) as they arrive; when the server answers JSON instead, the transport hands back
 * the parsed object, which must fail the item rather than become a broken file. Stored file
 * details name the MIME type; otherwise Appwrite's Content-Type does.
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
	const hasExtension = /\.\w+$/.test(options.fileName);
	// A generic type says nothing: n8n then takes the type from the name's extension.
	const answered =
		result.mimeType === 'application/octet-stream' && hasExtension ? undefined : result.mimeType;
	const mimeType =
		options.mimeType || answered || (hasExtension ? undefined : 'application/octet-stream');
	const binary = await context.helpers.prepareBinaryData(result.body, options.fileName, mimeType);
	// Without an extension in the name, name the file after its type.
	if (!hasExtension && binary.fileExtension)
		binary.fileName = `${options.fileName}.${binary.fileExtension}`;
	const item = options.json === undefined ? { json: {} } : jsonItem(options.json, itemIndex);
	return {
		json: item.json,
		binary: { [options.binaryProperty]: binary },
		pairedItem: { item: itemIndex },
	};
}
