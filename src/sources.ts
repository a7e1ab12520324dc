import { open } from 'node:fs/promises';

/** A file to upload, lent one byte range at a time. */
export interface ChunkSource {
	readonly name: string;
	readonly size: number;
	/** Lends bytes `start` to `end` to `use` while it runs; they may be reused once it settles. */
	withChunk<T>(start: number, end: number, use: (bytes: Buffer) => Promise<T>): Promise<T>;
}

/** A file n8n holds in memory. */
export function bufferSource(buffer: Buffer, name: string): ChunkSource {
	return {
		name,
		size: buffer.length,
		withChunk: async (start, end, use) => await use(buffer.subarray(start, end)),
	};
}

/**
 * A file n8n holds on disk (its filesystem binary-data mode), read a chunk at a time into buffers
 * that are reused once a chunk is sent: memory stays at one buffer per chunk in flight, whatever
 * the file's size, and any chunk can be read again for a retry.
 */
export function fileSource(
	path: string,
	size: number,
	name: string,
	chunkSize: number,
): ChunkSource {
	const spare: Buffer[] = [];
	return {
		name,
		size,
		async withChunk(start, end, use) {
			const buffer = spare.pop() ?? Buffer.allocUnsafe(chunkSize);
			try {
				const bytes = buffer.subarray(0, end - start);
				const file = await open(path, 'r');
				try {
					for (let filled = 0; filled < bytes.length; ) {
						const { bytesRead } = await file.read(
							bytes,
							filled,
							bytes.length - filled,
							start + filled,
						);
						if (bytesRead === 0)
							throw new Error(`The file "${name}" is shorter on disk than its ${size} bytes`);
						filled += bytesRead;
					}
				} finally {
					await file.close();
				}
				return await use(bytes);
			} finally {
				spare.push(buffer);
			}
		},
	};
}
