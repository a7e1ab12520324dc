import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';

import type { Payload } from 'node-appwrite';
import { Client } from 'node-appwrite';

import { DEFAULT_CHUNKS_IN_FLIGHT } from './descriptions';
import type { Phase, TransportProblem } from './errors';
import {
	AppwriteApiError,
	capText,
	maybeApplied,
	PartialProgressError,
	TransportError,
} from './errors';
import type { UploadLedger } from './ids';
import type { ChunkSource } from './sources';

/**
 * What a binary input becomes: the file, the record of what a retry need not send again, and how
 * many of its chunks may be in flight at once.
 */
export class Upload {
	constructor(
		readonly source: ChunkSource,
		readonly ledger: UploadLedger,
		readonly chunksInFlight = DEFAULT_CHUNKS_IN_FLIGHT,
	) {}
}

/**
 * A file answer: its body as it arrives (read it once, to the end, or the request fails), with
 * the content type and file name Appwrite gave it.
 */
export class BinaryAnswer {
	constructor(
		readonly body: Readable,
		readonly mimeType: string | undefined,
		readonly fileName: string | undefined,
	) {}
}

export interface TransportOptions {
	/** A normalized endpoint, e.g. `https://cloud.appwrite.io/v1`. */
	endpoint: string;
	projectId: string;
	apiKey: string;
	selfSigned: boolean;
	/** Bounds connecting, waiting for the answer, and each pause while it arrives. */
	timeoutSeconds: number;
	/** n8n's signal that the execution was cancelled. */
	signal?: AbortSignal;
}

type HeaderMap = Record<string, string>;

interface Outgoing {
	method: string;
	url: URL;
	headers: HeaderMap;
	/** Sent in order without being joined, so a chunk's bytes are never copied. */
	body?: Buffer[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const MAX_JSON_BYTES = 256 * 1024 * 1024;
const EXCERPT_BYTES = 64 * 1024;
/** A pooled socket the server closed while idle fails the next request on it with one of these. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/** Idle keep-alive sockets close before the usual server keep-alive timeouts (5 s and up). */
const IDLE_SOCKET_MS = 4_000;

class FilePart {
	constructor(
		readonly name: string,
		readonly data: Buffer,
	) {}
}

/** JSON.parse with one difference: integers beyond 2^53 become BigInt, so no digit is lost. */
export function parseJson(text: string): unknown {
	if (!/\d{16}/.test(text)) return JSON.parse(text);
	const marker = `${randomUUID()}:`;
	let marked = false;
	// Strings are matched whole, so digits inside them are never taken for numbers.
	const rewritten = text.replace(
		/"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g,
		(token) => {
			if (token.startsWith('"') || /[.eE]/.test(token) || Number.isSafeInteger(Number(token)))
				return token;
			marked = true;
			return `"${marker}${token}"`;
		},
	);
	if (!marked) return JSON.parse(text);
	return JSON.parse(rewritten, (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(marker)
			? BigInt(value.slice(marker.length))
			: value,
	);
}

/** JSON.stringify with one difference: a BigInt is written as its digits, as node-appwrite sends it. */
export function stringifyJson(value: unknown): string {
	const marker = `${randomUUID()}:`;
	let marked = false;
	const text = JSON.stringify(value, function (this: Record<string, unknown>, key, entry: unknown) {
		// The holder's own value: a BigInt.prototype.toJSON elsewhere would have turned it into text.
		const own = this[key];
		if (typeof own !== 'bigint') return entry;
		marked = true;
		return `${marker}${own}`;
	});
	return marked ? text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1') : text;
}

function quoted(text: string): string {
	return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/** The multipart body node-appwrite's FormData would send: arrays as repeated `name[]` fields. */
function multipart(params: Payload): { body: Buffer[]; contentType: string } {
	const boundary = `----AppwriteN8n${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	const field = (name: string, value: unknown) =>
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${String(value)}\r\n`,
			),
		);
	for (const [name, value] of Object.entries(params)) {
		if (value instanceof FilePart) {
			const head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"; filename="${quoted(value.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
			parts.push(Buffer.from(head), value.data, Buffer.from('\r\n'));
		} else if (Array.isArray(value)) {
			for (const entry of value) field(`${name}[]`, entry);
		} else {
			field(name, value);
		}
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: parts, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The file name in a Content-Disposition header: RFC 6266's `filename*` (UTF-8) first, then `filename`. */
export function dispositionFileName(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		try {
			const name = decodeURIComponent(extended[2].trim());
			if (name) return name;
		} catch {
			// A malformed percent-encoding: fall back to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
	const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
	return name?.trim() || undefined;
}

function mediaType(header: string | undefined): string {
	return (header ?? '').split(';')[0].trim().toLowerCase();
}

function isJsonType(contentType: string): boolean {
	return contentType === 'application/json' || contentType.endsWith('+json');
}

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/** A few readable words from a body that is not Appwrite's JSON: an HTML page's title, or its start. */
function excerptOf(body: Buffer, contentType: string): string {
	if (contentType && !/^text\/|html|xml|json|javascript/.test(contentType))
		return `${body.length} bytes`;
	const text = body.toString('utf8');
	const title = /<title[^>]*>([^<]*)</i.exec(text)?.[1]?.trim();
	const words = (title || text.replace(/<[^>]*>/g, ' '))
		.replace(/&(#\d+|\w+);/g, (entity, name: string) =>
			name.startsWith('#')
				? String.fromCharCode(Number(name.slice(1)))
				: (ENTITIES[name] ?? entity),
		)
		.replace(/\p{Cc}/gu, ' ');
	return capText(words, 120);
}

/** An upload's failure, naming what reached Appwrite when some of it may have. */
function incomplete(
	error: unknown,
	ledger: UploadLedger,
	total: number,
	size: number,
	fileId?: string,
): unknown {
	if (ledger.acknowledged.size === 0 && !maybeApplied(error)) return error;
	const bytes = [...ledger.acknowledged].reduce(
		(sum, index) => sum + Math.min(size - index * Client.CHUNK_SIZE, Client.CHUNK_SIZE),
		0,
	);
	const id = ledger.uploadId ?? fileId;
	return new PartialProgressError(
		error,
		`The upload${id ? ` "${id}"` : ''} is incomplete: ${ledger.acknowledged.size} of ${total} chunks (${bytes} of ${size} bytes) reached Appwrite. Retry On Fail resumes it under the same ID; otherwise delete the partial upload.`,
	);
}

/** Runs tasks with at most `limit` in flight; after a failure starts no more, lets the rest settle, then throws it. */
async function inParallel<T>(
	items: T[],
	limit: number,
	task: (item: T) => Promise<void>,
): Promise<void> {
	const queue = [...items];
	const failures: unknown[] = [];
	const worker = async () => {
		while (failures.length === 0 && queue.length > 0) {
			try {
				await task(queue.shift() as T);
			} catch (error) {
				failures.push(error);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
	if (failures.length > 0) throw failures[0];
}

/** Fails the exchange when a phase makes no progress for the timeout. */
class Watchdog {
	phase: Phase = 'connect';
	private timer?: NodeJS.Timeout;

	constructor(
		private readonly ms: number,
		private readonly expire: (phase: Phase) => void,
	) {}

	enter(phase: Phase): void {
		this.phase = phase;
		this.restart();
	}

	restart(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.expire(this.phase), this.ms);
	}

	stop(): void {
		clearTimeout(this.timer);
	}
}

/** One request and its answer over node:http, with the watchdog and failures in the transport's terms. */
class Exchange {
	private readonly watchdog: Watchdog;
	private failure?: TransportError;
	private response?: IncomingMessage;
	private clientRequest?: ClientRequest;
	private errorCode?: string;

	constructor(
		private readonly request: Outgoing,
		private readonly label: string,
		seconds: number,
	) {
		this.watchdog = new Watchdog(seconds * 1000, (phase) => {
			this.failure = this.problem({ kind: 'timeout', phase, seconds });
			this.clientRequest?.destroy(this.failure);
			this.response?.destroy(this.failure);
		});
	}

	private problem(problem: TransportProblem): TransportError {
		const sent =
			problem.kind !== 'redirect' && problem.kind !== 'answer' && this.watchdog.phase !== 'connect';
		return new TransportError(problem, this.label, this.request.method !== 'GET' && sent);
	}

	fail(error: unknown): TransportError {
		if (this.failure) return this.failure;
		if (error instanceof TransportError) return error;
		if ((error as Error).name === 'AbortError') return this.problem({ kind: 'cancelled' });
		const code =
			(error as NodeJS.ErrnoException).code ??
			((error as Error).message === 'aborted' ? 'ECONNRESET' : 'ERR_UNKNOWN');
		this.errorCode = code;
		return this.problem({ kind: 'network', phase: this.watchdog.phase, code });
	}

	/**
	 * A read that failed on a kept-alive socket before any byte of an answer: the server closed the
	 * idle socket as it was reused (e.g. while n8n stored a large file), so the request never reached
	 * Appwrite, and a read may be sent again on a fresh connection.
	 */
	get staleSocket(): boolean {
		return (
			this.request.method === 'GET' &&
			this.clientRequest?.reusedSocket === true &&
			!this.response &&
			!this.failure &&
			STALE_SOCKET_CODES.has(this.errorCode ?? '')
		);
	}

	start(agent: http.Agent, signal?: AbortSignal): Promise<IncomingMessage> {
		const { url, method, headers, body } = this.request;
		const secure = url.protocol === 'https:';
		return new Promise((resolve, reject) => {
			const request = (secure ? https : http).request(url, { method, headers, agent, signal });
			this.clientRequest = request;
			this.watchdog.enter('connect');
			request.once('socket', (socket: Socket) => {
				if (!socket.connecting) this.watchdog.enter('answer');
				else socket.once(secure ? 'secureConnect' : 'connect', () => this.watchdog.enter('answer'));
			});
			request.once('finish', () => this.watchdog.restart());
			request.once('response', (response) => {
				this.response = response;
				this.watchdog.enter('body');
				resolve(response);
			});
			request.once('error', (error) => {
				this.watchdog.stop();
				reject(this.fail(error));
			});
			for (const part of body ?? []) request.write(part);
			request.end();
		});
	}

	/** Reads the body, at most `limit` bytes; `whole` is false when there was more. */
	async read(limit: number): Promise<{ body: Buffer; whole: boolean }> {
		const response = this.response as IncomingMessage;
		const chunks: Buffer[] = [];
		let size = 0;
		try {
			for await (const chunk of response) {
				this.watchdog.restart();
				chunks.push(chunk as Buffer);
				size += (chunk as Buffer).length;
				if (size > limit) return { body: Buffer.concat(chunks).subarray(0, limit), whole: false };
			}
			if (!response.complete) throw new Error('aborted');
		} catch (error) {
			throw this.fail(error);
		} finally {
			this.watchdog.stop();
		}
		return { body: Buffer.concat(chunks, size), whole: true };
	}

	/**
	 * The body as a stream, for a file of any size: each chunk restarts the watchdog, and a body cut
	 * off before its end (or stalled past the timeout) fails the stream, so nothing half-read passes
	 * for a whole file.
	 */
	stream(): Readable {
		const response = this.response as IncomingMessage;
		const body = new Transform({
			transform: (chunk: Buffer, _encoding, done) => {
				this.watchdog.restart();
				done(null, chunk);
			},
			flush: (done) => {
				this.watchdog.stop();
				done(response.complete ? null : this.fail(new Error('aborted')));
			},
		});
		response.once('error', (error) => {
			this.watchdog.stop();
			body.destroy(this.fail(error));
		});
		// A reader that gives up early leaves the connection unusable: close it.
		body.once('close', () => {
			this.watchdog.stop();
			if (!response.complete) response.destroy();
		});
		response.pipe(body);
		return body;
	}

	discard(): void {
		this.watchdog.stop();
		this.response?.destroy();
	}

	header(name: string): string | undefined {
		const value = this.response?.headers[name];
		return Array.isArray(value) ? value.join(', ') : value;
	}
}

/**
 * The one place that talks HTTP to Appwrite. node-appwrite's services build each request's path,
 * headers and parameters and hand them to `call` (or `chunkedUpload`); this subclass sends them
 * as the SDK would, over its own keep-alive agent, with timeouts, no redirects for writes or to
 * another origin, checks that the answer is Appwrite's, and parses every valid JSON answer.
 */
export class AppwriteTransport extends Client {
	/** Warnings Appwrite sent in `x-appwrite-warning`, for the node to show as execution hints. */
	readonly warnings = new Set<string>();

	private readonly agent: http.Agent;

	constructor(private readonly options: TransportOptions) {
		super();
		this.setEndpoint(options.endpoint).setProject(options.projectId).setKey(options.apiKey);
		if (options.selfSigned) this.setSelfSigned(true);
		const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
		this.agent = options.endpoint.startsWith('https:')
			? new https.Agent({ ...agentOptions, rejectUnauthorized: !options.selfSigned })
			: new http.Agent(agentOptions);
	}

	/** Closes the kept-alive connections; the node calls it when its execution ends. */
	close(): void {
		this.agent.destroy();
	}

	override async call(
		method: string,
		url: URL,
		headers: HeaderMap = {},
		params: Payload = {},
		responseType = 'json',
	): Promise<unknown> {
		let request = this.prepare(method, url, headers, params);
		for (let redirects = 0; ; redirects++) {
			const label = `${request.method} ${request.url.pathname}`;
			const { exchange, response } = await this.open(request, label);
			this.noteWarnings(exchange.header('x-appwrite-warning'));
			if (!REDIRECT_STATUSES.has(response.statusCode ?? 0)) {
				return await this.interpret(exchange, response.statusCode ?? 0, label, responseType);
			}
			exchange.discard();
			request = {
				...request,
				url: this.redirectTarget(request, exchange, response.statusCode ?? 0, redirects, label),
			};
		}
	}

	/** Sends the request; a read whose kept-alive socket turned out stale is sent once more. */
	private async open(
		request: Outgoing,
		label: string,
	): Promise<{ exchange: Exchange; response: IncomingMessage }> {
		const first = new Exchange(request, label, this.options.timeoutSeconds);
		const response = await first
			.start(this.agent, this.options.signal)
			.catch((error: unknown) => (first.staleSocket ? undefined : Promise.reject(error)));
		if (response) return { exchange: first, response };
		const second = new Exchange(request, label, this.options.timeoutSeconds);
		return { exchange: second, response: await second.start(this.agent, this.options.signal) };
	}

	override async chunkedUpload(
		method: string,
		url: URL,
		headers: HeaderMap = {},
		payload: Payload = {},
	): Promise<unknown> {
		const [field, upload] =
			Object.entries(payload).find(([, value]) => value instanceof Upload) ?? [];
		if (!field || !(upload instanceof Upload)) throw new Error('The upload has no file to send');
		const { source } = upload;
		const send = async (start: number, end: number, extra: HeaderMap) =>
			await source.withChunk(
				start,
				end,
				async (bytes) =>
					await this.call(
						method,
						new URL(url),
						{ ...headers, ...extra },
						{ ...payload, [field]: new FilePart(source.name, bytes) },
					),
			);
		if (source.size <= Client.CHUNK_SIZE) return await send(0, source.size, {});

		// Appwrite's chunk protocol: each chunk names its byte range; the first creates the upload,
		// and the others name its ID. A retry sends only what Appwrite has not acknowledged.
		const fileId = typeof payload.fileId === 'string' ? payload.fileId : undefined;
		const total = Math.ceil(source.size / Client.CHUNK_SIZE);
		const ledger = upload.ledger.begin(`${fileId ?? ''}/${source.size}`);
		const bounds = (index: number) => [
			index * Client.CHUNK_SIZE,
			Math.min(source.size, (index + 1) * Client.CHUNK_SIZE),
		];
		let last: unknown;
		let final: unknown;
		const sendChunk = async (index: number) => {
			const [start, end] = bounds(index);
			const range = { 'content-range': `bytes ${start}-${end - 1}/${source.size}` };
			const answer = (await send(
				start,
				end,
				ledger.uploadId ? { ...range, 'x-appwrite-id': ledger.uploadId } : range,
			)) as Record<string, unknown>;
			if (index === 0) ledger.uploadId = typeof answer?.$id === 'string' ? answer.$id : fileId;
			ledger.acknowledged.add(index);
			last = answer;
			if (
				typeof answer?.chunksUploaded === 'number' &&
				answer.chunksUploaded >= Number(answer.chunksTotal ?? total)
			)
				final = answer;
		};
		const pending = Array.from({ length: total }, (_, index) => index).filter(
			(index) => !ledger.acknowledged.has(index),
		);
		try {
			// The first chunk goes alone: it creates the upload the others join.
			if (pending[0] === 0) await sendChunk(pending.shift() as number);
			// Everything was acknowledged before, only the answer was lost: ask again with the last chunk.
			if (last === undefined && pending.length === 0) pending.push(total - 1);
			await inParallel(pending, upload.chunksInFlight, sendChunk);
		} catch (error) {
			throw incomplete(error, ledger, total, source.size, fileId);
		}
		return final ?? last;
	}

	/** The request as node-appwrite builds it: GET parameters in the query, a JSON or multipart body otherwise. */
	private prepare(method: string, url: URL, headers: HeaderMap, params: Payload): Outgoing {
		const upper = method.toUpperCase();
		if (url.search || url.hash) {
			throw new Error(
				`A value in the path of ${upper} ${url.pathname} holds "?" or "#"; only plain IDs belong in a path`,
			);
		}
		const merged: HeaderMap = { ...this.headers, ...headers };
		let body: Buffer[] | undefined;
		if (upper === 'GET') {
			for (const [key, value] of Object.entries(Client.flatten(params)))
				url.searchParams.append(key, value);
		} else if (merged['content-type'] === 'application/json') {
			body = [Buffer.from(stringifyJson(params))];
		} else if (merged['content-type'] === 'multipart/form-data') {
			const form = multipart(params);
			body = form.body;
			merged['content-type'] = form.contentType;
		}
		if (body) merged['content-length'] = String(body.reduce((sum, part) => sum + part.length, 0));
		return { method: upper, url, headers: merged, body };
	}

	/** Follows a redirect only for a read on the same origin; anything else fails, naming where it leads. */
	private redirectTarget(
		request: Outgoing,
		exchange: Exchange,
		status: number,
		redirects: number,
		label: string,
	): URL {
		const location = exchange.header('location') ?? '';
		const target = URL.canParse(location, request.url.href)
			? new URL(location, request.url)
			: undefined;
		if (
			target &&
			request.method === 'GET' &&
			target.origin === request.url.origin &&
			redirects < MAX_REDIRECTS
		)
			return target;
		const base = new URL(this.config.endpoint).pathname;
		const suffix = request.url.pathname.startsWith(base)
			? request.url.pathname.slice(base.length)
			: undefined;
		const endpoint =
			target && suffix && target.pathname.endsWith(suffix)
				? `${target.origin}${target.pathname.slice(0, -suffix.length)}`
				: undefined;
		throw new TransportError(
			{
				kind: 'redirect',
				status,
				location: target
					? this.redact(`${target.origin}${target.pathname}`)
					: 'an address it does not give',
				endpoint: endpoint && this.redact(endpoint),
			},
			label,
			false,
		);
	}

	private async interpret(
		exchange: Exchange,
		status: number,
		label: string,
		responseType: string,
	): Promise<unknown> {
		const contentType = mediaType(exchange.header('content-type'));
		const success = status >= 200 && status < 300;
		const retryAfter = exchange.header('retry-after');
		const unusable = (reason: 'notJson' | 'empty' | 'malformed' | 'tooLarge', excerpt: string) =>
			new TransportError(
				{
					kind: 'answer',
					reason,
					status,
					contentType,
					excerpt: this.redact(excerpt),
					retryAfter: retryAfter && this.redact(capText(retryAfter, 60)),
				},
				label,
				!label.startsWith('GET ') && (success || status >= 500),
			);

		if (!isJsonType(contentType)) {
			if (success && responseType === 'arrayBuffer') {
				return new BinaryAnswer(
					exchange.stream(),
					contentType || undefined,
					dispositionFileName(exchange.header('content-disposition')),
				);
			}
			const { body } = await exchange.read(status === 204 ? 0 : EXCERPT_BYTES);
			if (status === 204) return {};
			throw unusable(
				body.length === 0 && success ? 'empty' : 'notJson',
				excerptOf(body, contentType),
			);
		}
		const { body, whole } = await exchange.read(MAX_JSON_BYTES);
		if (!whole) throw unusable('tooLarge', `over ${MAX_JSON_BYTES / 1024 / 1024} MiB`);
		const text = body.toString('utf8');
		let data: unknown;
		try {
			data = parseJson(text);
		} catch {
			if (status === 204) return {};
			throw unusable(text.trim() ? 'malformed' : 'empty', excerptOf(body, 'text/plain'));
		}
		if (status >= 400) throw this.appwriteError(data, status, retryAfter, text);
		if (!success) throw unusable('notJson', excerptOf(body, 'text/plain'));
		return data;
	}

	/** Appwrite's error JSON (`message`, `code`, `type`); other JSON errors keep what words they have. */
	private appwriteError(
		data: unknown,
		status: number,
		retryAfter: string | undefined,
		text: string,
	): AppwriteApiError {
		const body = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
		const words = [body.message, body.detail, body.title].find(
			(value) => typeof value === 'string' && value.trim(),
		);
		const type = typeof body.type === 'string' && /^[a-z0-9_]+$/.test(body.type) ? body.type : '';
		const message = this.redact(capText(typeof words === 'string' ? words : text));
		return new AppwriteApiError(
			message,
			status,
			type,
			retryAfter && this.redact(capText(retryAfter, 60)),
		);
	}

	private noteWarnings(header: string | undefined): void {
		for (const warning of (header ?? '').split(';')) {
			if (warning.trim()) this.warnings.add(this.redact(capText(warning, 200)));
		}
	}

	/** Server-supplied text may echo request headers; the key never passes through. */
	private redact(text: string): string {
		return this.options.apiKey ? text.split(this.options.apiKey).join('[API key]') : text;
	}
}
