/**
 * A key check in front of the Appwrite stand-in. Prism validates that the project and key headers
 * are present but cannot tell a right key from a wrong one, so the credential test's "wrong key"
 * case needs this: a request whose X-Appwrite-Key is not the expected key gets the answer a real
 * Appwrite gives an unknown key (the request counts as a guest, who lacks every server scope);
 * everything else is passed through to the stand-in unchanged, bodies streamed both ways.
 *
 * It also records each exchange (method, path, status, headers and up to 1 MiB of each body), so
 * an expectation can check what n8n actually sent (e.g. the bytes of an upload) and compare what
 * the stand-in answered with what the node made of it (e.g. a download's bytes).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

import { listenOnLoopback } from './ports';

export interface Exchange {
	/** 1, 2, 3…: the order in which exchanges completed. */
	seq: number;
	method: string;
	/** Path and query, e.g. `/v1/storage/buckets/b/files`. */
	path: string;
	requestHeaders: Record<string, string | string[] | undefined>;
	requestBody: Buffer;
	status: number;
	responseHeaders: Record<string, string | string[] | undefined>;
	responseBody: Buffer;
	/** When the request arrived (ms since the epoch). */
	receivedAt: number;
	/** The process that sent it, once `identifyClients` is set (e.g. n8n's main instance or a worker). */
	client?: string;
}

/** Routes the gate answers itself instead of passing them on (a stateful Appwrite next to Prism). */
export interface LocalRoutes {
	claims(path: string): boolean;
	handle(request: {
		method: string;
		path: string;
		query: URLSearchParams;
		json?: unknown;
	}): { status: number; json?: unknown } | undefined;
}

export interface KeyGate {
	endpoint: string;
	port: number;
	/** The recorded exchanges, oldest first (the last 500). */
	exchanges: Exchange[];
	/** The `seq` of the latest exchange (0 before the first). */
	lastSeq(): number;
	/** Exchanges completed after the one numbered `seq`. */
	since(seq: number): Exchange[];
	/**
	 * From now on, names the sender of each request by the client's port on 127.0.0.1, asked while
	 * the connection is open (several n8n processes share the gate in queue mode).
	 */
	identifyClients(name: (clientPort: number) => string | undefined): void;
	stop(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024;
const EXCHANGE_LIMIT = 500;

function capture(chunks: Buffer[], size: { n: number }, chunk: Buffer): void {
	if (size.n >= BODY_LIMIT) return;
	const part = chunk.subarray(0, BODY_LIMIT - size.n);
	chunks.push(part);
	size.n += part.length;
}

const SCOPES: Array<[RegExp, string]> = [
	[/^\/v1\/health/, 'health.read'],
	[/^\/v1\/users/, 'users.read'],
	[/^\/v1\/messaging/, 'messages.read'],
	[/^\/v1\/storage/, 'files.read'],
	[/^\/v1\/databases/, 'databases.read'],
	[/^\/v1\/functions/, 'functions.read'],
	[/^\/v1\/avatars/, 'avatars.read'],
	[/^\/v1\/tokens/, 'tokens.read'],
	[/^\/v1\/locale/, 'locale.read'],
];

function unknownKey(req: IncomingMessage, res: ServerResponse): void {
	const path = new URL(req.url ?? '/', 'http://gate').pathname;
	const scope = SCOPES.find(([pattern]) => pattern.test(path))?.[1] ?? 'public';
	res.writeHead(401, { 'content-type': 'application/json' });
	res.end(
		JSON.stringify({
			message: `User (role: guests) missing scopes (["${scope}"])`,
			code: 401,
			type: 'general_unauthorized_scope',
			version: '1.8.0',
		}),
	);
}

/** Starts the gate on a free 127.0.0.1 port in front of `upstreamEndpoint` (`http://127.0.0.1:PORT/v1`). */
export async function startKeyGate(
	upstreamEndpoint: string,
	apiKey: string,
	local?: LocalRoutes,
): Promise<KeyGate> {
	const upstream = new URL(upstreamEndpoint);
	const exchanges: Exchange[] = [];
	let seq = 0;
	let identify: ((clientPort: number) => string | undefined) | undefined;
	const server = createServer((req, res) => {
		const receivedAt = Date.now();
		const client = identify?.(req.socket.remotePort ?? 0);
		const requestChunks: Buffer[] = [];
		const requestSize = { n: 0 };
		req.on('data', (chunk: Buffer) => capture(requestChunks, requestSize, chunk));
		const record = (
			status: number,
			responseHeaders: Exchange['responseHeaders'],
			responseBody: Buffer,
		) => {
			exchanges.push({
				seq: ++seq,
				method: req.method ?? '',
				path: req.url ?? '',
				requestHeaders: req.headers,
				requestBody: Buffer.concat(requestChunks),
				status,
				responseHeaders,
				responseBody,
				receivedAt,
				client,
			});
			if (exchanges.length > EXCHANGE_LIMIT) exchanges.splice(0, exchanges.length - EXCHANGE_LIMIT);
		};
		const key = req.headers['x-appwrite-key'];
		if (key !== undefined && key !== apiKey) {
			req.resume();
			req.on('end', () => record(401, {}, Buffer.alloc(0)));
			unknownKey(req, res);
			return;
		}
		const url = new URL(req.url ?? '/', 'http://gate');
		if (local?.claims(url.pathname)) {
			req.on('end', () => {
				const body = Buffer.concat(requestChunks);
				const answer = local.handle({
					method: req.method ?? 'GET',
					path: url.pathname,
					query: url.searchParams,
					json: body.length ? JSON.parse(body.toString('utf8')) : undefined,
				});
				const payload = Buffer.from(answer?.json === undefined ? '' : JSON.stringify(answer.json));
				const headers = answer?.json === undefined ? {} : { 'content-type': 'application/json' };
				res.writeHead(answer?.status ?? 404, headers);
				res.end(payload);
				record(answer?.status ?? 404, headers, payload);
			});
			return;
		}
		const forward = request(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: upstream.host },
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				const responseChunks: Buffer[] = [];
				const responseSize = { n: 0 };
				answer.on('data', (chunk: Buffer) => capture(responseChunks, responseSize, chunk));
				answer.on('end', () =>
					record(answer.statusCode ?? 502, answer.headers, Buffer.concat(responseChunks)),
				);
				answer.pipe(res);
			},
		);
		forward.on('error', (error) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					message: `key gate: stand-in unreachable (${error.message})`,
					code: 502,
					type: '',
				}),
			);
		});
		req.pipe(forward);
	});
	const { port, stop } = await listenOnLoopback(server);
	const identifyClients = (name: (clientPort: number) => string | undefined) => {
		identify = name;
	};
	return {
		endpoint: `http://127.0.0.1:${port}${upstream.pathname}`,
		port,
		exchanges,
		lastSeq: () => seq,
		since: (after) => exchanges.filter((e) => e.seq > after),
		identifyClients,
		stop,
	};
}
