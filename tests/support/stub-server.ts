/**
 * A small HTTP server on 127.0.0.1 that stands in for Appwrite where exact bytes matter: it records
 * every request the real node-appwrite SDK sends and answers with what each test scripts.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path without the query string, e.g. `/v1/users/u1`. */
	path: string;
	/** Raw query string without `?`. */
	rawQuery: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** The parsed body: JSON, or the fields and files of a multipart upload. */
	json?: unknown;
	/** Multipart fields in order; a repeated field (e.g. `permissions[]`) appears once per value. */
	form?: Array<[string, string | { name: string; type: string; content: Buffer }]>;
	params: Record<string, string>;
}

export interface StubResponse {
	status?: number;
	json?: unknown;
	body?: Buffer | string;
	headers?: Record<string, string>;
	/** Send the headers (with the full Content-Length) and this many bytes of the body, then drop the connection. */
	cutAfter?: number;
	/** Drop the connection without answering, as a server does with a kept-alive socket it closed. */
	dropConnection?: boolean;
}

type Handler = StubResponse | ((request: RecordedRequest) => StubResponse | Promise<StubResponse>);

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: Handler;
}

function compile(path: string): { pattern: RegExp; names: string[] } {
	const names: string[] = [];
	const source = path
		.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
		.replace(/:(\w+)/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
	return { pattern: new RegExp(`^${source}$`), names };
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Splits a multipart body into its parts (undici's own parser is too slow for multi-megabyte chunks). */
export function parseForm(body: Buffer, contentType: string): NonNullable<RecordedRequest['form']> {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
	if (!boundary) return [];
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	const fields: NonNullable<RecordedRequest['form']> = [];
	let start = body.indexOf(delimiter);
	while (start !== -1) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		const part = body.subarray(start + delimiter.length + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		const head = part.subarray(0, split).toString('utf8');
		const content = part.subarray(split + 4);
		const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
		const fileName = /filename="([^"]*)"/.exec(head)?.[1];
		fields.push([
			name,
			fileName === undefined
				? content.toString('utf8')
				: {
						name: fileName,
						type: /content-type: *([^\r\n]+)/i.exec(head)?.[1] ?? '',
						content: Buffer.from(content),
					},
		]);
		start = next;
	}
	return fields;
}

export class StubServer {
	readonly requests: RecordedRequest[] = [];
	private readonly routes: Route[] = [];
	private fallbackHandler?: Handler;

	private constructor(
		private readonly server: Server,
		readonly endpoint: string,
	) {}

	static async start(): Promise<StubServer> {
		let stub: StubServer | undefined;
		const server = createServer((request, response) => {
			void stub?.handle(request, response);
		});
		server.keepAliveTimeout = 5_000;
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		stub = new StubServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
		return stub;
	}

	/** Answers `method path` (`:name` matches one path segment) with a response or a function of the request. */
	on(method: string, path: string, handler: Handler): this {
		this.routes.unshift({ method: method.toUpperCase(), ...compile(path), handler });
		return this;
	}

	/** Answers with an Appwrite-style error body, as a real server does. */
	error(method: string, path: string, status: number, type: string, message: string): this {
		return this.on(method, path, {
			status,
			json: { message, code: status, type, version: '1.8.1' },
		});
	}

	/** Answers every request no route matches. */
	fallback(handler: Handler): this {
		this.fallbackHandler = handler;
		return this;
	}

	reset(): void {
		this.requests.length = 0;
		this.routes.length = 0;
		this.fallbackHandler = undefined;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const body = await readBody(request);
		const contentType = String(request.headers['content-type'] ?? '');
		const recorded: RecordedRequest = {
			method: request.method ?? 'GET',
			path: url.pathname,
			rawQuery: url.search.slice(1),
			query: url.searchParams,
			headers: request.headers,
			body,
			params: {},
		};
		if (contentType.includes('application/json') && body.length)
			recorded.json = JSON.parse(body.toString('utf8'));
		if (contentType.includes('multipart/form-data')) recorded.form = parseForm(body, contentType);
		this.requests.push(recorded);

		const route = this.routes.find(
			(candidate) => candidate.method === recorded.method && candidate.pattern.test(url.pathname),
		);
		let answer: StubResponse;
		if (route) {
			const match = route.pattern.exec(url.pathname) as RegExpExecArray;
			route.names.forEach(
				(name, index) => (recorded.params[name] = decodeURIComponent(match[index + 1])),
			);
			answer = typeof route.handler === 'function' ? await route.handler(recorded) : route.handler;
		} else if (this.fallbackHandler) {
			answer =
				typeof this.fallbackHandler === 'function'
					? await this.fallbackHandler(recorded)
					: this.fallbackHandler;
		} else {
			answer = {
				status: 404,
				json: {
					message: `No stub for ${recorded.method} ${url.pathname}`,
					code: 404,
					type: 'general_route_not_found',
					version: '1.8.1',
				},
			};
		}
		const headers: Record<string, string> = { ...answer.headers };
		let payload: Buffer | string = '';
		if (answer.json !== undefined) {
			headers['content-type'] ??= 'application/json';
			payload = JSON.stringify(answer.json);
		} else if (answer.body !== undefined) {
			payload = answer.body;
		}
		if (answer.dropConnection) {
			request.socket.destroy();
			return;
		}
		if (answer.cutAfter !== undefined) {
			const bytes = Buffer.from(payload);
			response.writeHead(answer.status ?? 200, {
				...headers,
				'content-length': String(bytes.length),
			});
			response.write(bytes.subarray(0, answer.cutAfter), () => request.socket.destroy());
			return;
		}
		response.writeHead(answer.status ?? 200, headers);
		response.end(payload);
	}
}

/** An endpoint on 127.0.0.1 where nothing listens, for connection-refused tests. */
export async function refusedEndpoint(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}/v1`;
}
