/**
 * A small Appwrite on 127.0.0.1 for fault injection: it keeps users and files the way Appwrite does
 * (a create of a taken ID answers 409; uploads follow Appwrite's chunk protocol and answer 409 once
 * the file is complete), records every request, and lets a test put a fault in front of chosen
 * requests: redirects, hangs, stalled or reset answers, pages that are not Appwrite's, failed chunks
 * and writes applied before the connection drops.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { parseForm, readBody } from '../support/stub-server';

export const CHUNK = 5 * 1024 * 1024;

export interface Seen {
	method: string;
	path: string;
	/** The client's port: requests on one kept-alive connection share it. */
	remotePort?: number;
	headers: IncomingMessage['headers'];
	body: Buffer;
	json?: Record<string, unknown>;
	form?: ReturnType<typeof parseForm>;
}

export interface Answer {
	status: number;
	json?: unknown;
	body?: Buffer | string;
	headers?: Record<string, string>;
}

/** What a fault does with a request; `apply` lets Appwrite handle it and gives its answer. */
export type Fault = (request: Seen, response: ServerResponse, apply: () => Answer) => void;

export interface StoredFile {
	$id: string;
	bucketId: string;
	name: string;
	sizeOriginal: number;
	chunksTotal: number;
	parts: Map<number, Buffer>;
}

interface User {
	$id: string;
	name: string;
	email: string;
	labels: string[];
	prefs: Record<string, unknown>;
}

function error(status: number, type: string, message: string): Answer {
	return { status, json: { message, code: status, type, version: '1.8.1' } };
}

function encode(answer: Answer): {
	status: number;
	headers: Record<string, string>;
	payload: Buffer;
} {
	const headers = { ...answer.headers };
	if (answer.json !== undefined) headers['content-type'] ??= 'application/json';
	const payload = Buffer.from(
		answer.json !== undefined ? JSON.stringify(answer.json) : (answer.body ?? ''),
	);
	return { status: answer.status, headers, payload };
}

export function send(response: ServerResponse, answer: Answer): void {
	const { status, headers, payload } = encode(answer);
	response.writeHead(status, { ...headers, 'content-length': String(payload.length) });
	response.end(payload);
}

/** The faults the suite injects, each as a user or a proxy in front of Appwrite would meet it. */
export const faults = {
	redirect:
		(status: number, location: string): Fault =>
		(_request, response) =>
			send(response, { status, headers: { location } }),
	hang: (): Fault => () => undefined,
	/** The answer's headers and half its body, then nothing. */
	stallMidBody: (): Fault => (_request, response, apply) => {
		const { status, headers, payload } = encode(apply());
		response.writeHead(status, { ...headers, 'content-length': String(payload.length) });
		response.write(payload.subarray(0, Math.floor(payload.length / 2)));
	},
	resetBeforeAnswer: (): Fault => (_request, response) => response.socket?.resetAndDestroy(),
	/** Appwrite applies the request and no answer ever comes. */
	applyThenHang: (): Fault => (_request, _response, apply) => void apply(),
	/** Appwrite applies the request, then the connection drops before the answer. */
	applyThenReset: (): Fault => (_request, response, apply) => {
		apply();
		response.socket?.resetAndDestroy();
	},
	resetMidAnswer: (): Fault => (_request, response, apply) => {
		const { status, headers, payload } = encode(apply());
		response.writeHead(status, { ...headers, 'content-length': String(payload.length) });
		response.write(payload.subarray(0, Math.floor(payload.length / 2)), () =>
			response.socket?.resetAndDestroy(),
		);
	},
	answer:
		(answer: Answer): Fault =>
		(_request, response) =>
			send(response, answer),
	/** Appwrite applies the request; something in between replaces the answer. */
	applyThenAnswer:
		(answer: Answer): Fault =>
		(_request, response, apply) => {
			apply();
			send(response, answer);
		},
	/** Appwrite's own answer with extra headers, e.g. `x-appwrite-warning`. */
	withHeaders:
		(headers: Record<string, string>): Fault =>
		(_request, response, apply) => {
			const answer = apply();
			send(response, { ...answer, headers: { ...answer.headers, ...headers } });
		},
};

export function htmlPage(title: string, filler = 2000): string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${'x'.repeat(filler)}</p></body></html>`;
}

export class FaultServer {
	readonly requests: Seen[] = [];
	readonly users = new Map<string, User>();
	readonly files = new Map<string, StoredFile>();
	private readonly faults: Array<{
		match: (request: Seen) => boolean;
		fault: Fault;
		times: number;
	}> = [];

	private constructor(
		private readonly server: Server,
		readonly origin: string,
	) {}

	/** With `selfSigned`, serves HTTPS with a certificate no authority signed (a test-only fixture). */
	static async start(options: { selfSigned?: boolean } = {}): Promise<FaultServer> {
		let instance: FaultServer | undefined;
		const handler = (request: IncomingMessage, response: ServerResponse) =>
			void instance?.handle(request, response);
		const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name));
		const server = options.selfSigned
			? createTlsServer(
					{ key: fixture('test-only-self-signed.key'), cert: fixture('test-only-self-signed.crt') },
					handler,
				)
			: createServer(handler);
		server.keepAliveTimeout = 5_000;
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const scheme = options.selfSigned ? 'https' : 'http';
		const port = (server.address() as AddressInfo).port;
		instance = new FaultServer(server, `${scheme}://127.0.0.1:${port}`);
		return instance;
	}

	/** Connections the client still holds open. */
	openConnections(): Promise<number> {
		return new Promise((resolve, reject) =>
			this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
		);
	}

	get endpoint(): string {
		return `${this.origin}/v1`;
	}

	/** Puts `fault` in front of the next `times` requests that `match` accepts. */
	inject(match: (request: Seen) => boolean, fault: Fault, times = 1): this {
		this.faults.push({ match, fault, times });
		return this;
	}

	reset(): void {
		this.requests.length = 0;
		this.users.clear();
		this.files.clear();
		this.faults.length = 0;
		this.server.closeAllConnections();
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Files whose chunks did not all arrive. */
	incompleteFiles(): StoredFile[] {
		return [...this.files.values()].filter((file) => file.parts.size < file.chunksTotal);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', this.origin);
		const body = await readBody(request);
		const contentType = String(request.headers['content-type'] ?? '');
		const seen: Seen = {
			method: request.method ?? 'GET',
			path: url.pathname,
			headers: request.headers,
			body,
		};
		if (contentType.includes('application/json') && body.length)
			seen.json = JSON.parse(body.toString('utf8'));
		if (contentType.includes('multipart/form-data')) seen.form = parseForm(body, contentType);
		this.requests.push(seen);
		const injected = this.faults.find((entry) => entry.times > 0 && entry.match(seen));
		if (!injected) return send(response, this.apply(seen));
		injected.times -= 1;
		injected.fault(seen, response, () => this.apply(seen));
	}

	/** What Appwrite does with the request. */
	private apply(request: Seen): Answer {
		const route = `${request.method} ${request.path}`;
		const userId = /^\/v1\/users\/([^/]+)/.exec(request.path)?.[1];
		const user = userId ? this.users.get(userId) : undefined;
		if (route === 'GET /v1/health')
			return { status: 200, json: { name: 'http', ping: 1, status: 'pass' } };
		if (route === 'GET /v1/avatars/initials') {
			return {
				status: 200,
				body: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
				headers: { 'content-type': 'image/svg+xml' },
			};
		}
		if (route === 'POST /v1/users') {
			const id = String(request.json?.userId);
			if (this.users.has(id))
				return error(
					409,
					'user_already_exists',
					'A user with the same id, email, or phone already exists in this project.',
				);
			const created = {
				$id: id,
				name: String(request.json?.name ?? ''),
				email: String(request.json?.email ?? ''),
				labels: [],
				prefs: {},
			};
			this.users.set(id, created);
			return { status: 201, json: created };
		}
		if (route === 'GET /v1/users')
			return { status: 200, json: { total: this.users.size, users: [...this.users.values()] } };
		if (userId && !user)
			return error(404, 'user_not_found', 'User with the requested ID could not be found.');
		if (user && route === `GET /v1/users/${userId}`) return { status: 200, json: user };
		if (user && route === `DELETE /v1/users/${userId}`) {
			this.users.delete(user.$id);
			return { status: 204 };
		}
		if (user && route === `PATCH /v1/users/${userId}/name`) {
			user.name = String(request.json?.name);
			return { status: 200, json: user };
		}
		if (user && route === `PATCH /v1/users/${userId}/verification`)
			return { status: 200, json: user };
		if (user && route === `PUT /v1/users/${userId}/labels`) {
			user.labels = request.json?.labels as string[];
			return { status: 200, json: user };
		}
		if (user && route === `GET /v1/users/${userId}/prefs`) return { status: 200, json: user.prefs };
		const bucket = /^\/v1\/storage\/buckets\/([^/]+)\/files(?:\/([^/]+))?$/.exec(request.path);
		if (bucket && request.method === 'POST' && !bucket[2]) return this.upload(request, bucket[1]);
		if (bucket && request.method === 'GET' && bucket[2]) {
			const file = this.files.get(bucket[2]);
			return file
				? { status: 200, json: this.fileDocument(file) }
				: error(404, 'storage_file_not_found', 'The requested file could not be found.');
		}
		return error(404, 'general_route_not_found', 'The requested route was not found.');
	}

	/** Appwrite 1.8's chunk protocol: `content-range` places a chunk, `x-appwrite-id` names the file of later chunks. */
	private upload(request: Seen, bucketId: string): Answer {
		const field = (name: string) => request.form?.find(([key]) => key === name)?.[1];
		const content = field('file') as { name: string; content: Buffer };
		const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'] ?? ''));
		const size = range ? Number(range[3]) : content.content.length;
		const id = String(request.headers['x-appwrite-id'] ?? field('fileId'));
		const index = range ? Math.floor(Number(range[1]) / CHUNK) : 0;
		let file = this.files.get(id);
		if (file && file.parts.size === file.chunksTotal)
			return error(
				409,
				'storage_file_already_exists',
				'A storage file with the requested ID already exists.',
			);
		if (!file) {
			file = {
				$id: id,
				bucketId,
				name: content.name,
				sizeOriginal: size,
				chunksTotal: range ? Math.ceil(size / CHUNK) : 1,
				parts: new Map(),
			};
			this.files.set(id, file);
		}
		file.parts.set(index, content.content);
		return { status: 201, json: this.fileDocument(file) };
	}

	private fileDocument(file: StoredFile): Record<string, unknown> {
		const { parts, ...document } = file;
		return { ...document, chunksUploaded: parts.size };
	}

	/** The bytes of a complete stored file, in order. */
	contentOf(id: string): Buffer {
		const file = this.files.get(id);
		if (!file) throw new Error(`no file ${id}`);
		return Buffer.concat(
			[...file.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part),
		);
	}
}
