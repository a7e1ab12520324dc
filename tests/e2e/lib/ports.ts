import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:net';

import { onCleanup } from './proc';

/** Asks the OS for a free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export function freePort(): Promise<number> {
	return new Promise((resolvePort, rejectPort) => {
		const server = createServer();
		server.unref();
		server.once('error', rejectPort);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? resolvePort(port) : rejectPort(new Error('no free port'))));
		});
	});
}

/** Several distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
	const ports = new Set<number>();
	while (ports.size < count) ports.add(await freePort());
	return [...ports];
}

/** Starts an HTTP server on a free 127.0.0.1 port; `stop` (also run at cleanup) closes it and its connections. */
export async function listenOnLoopback(
	server: HttpServer,
): Promise<{ port: number; stop(): Promise<void> }> {
	await new Promise<void>((resolveListen, rejectListen) => {
		server.once('error', rejectListen);
		server.listen(0, '127.0.0.1', () => resolveListen());
	});
	const port = (server.address() as { port: number }).port;
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= new Promise<void>((done) => {
			server.close(() => done());
			server.closeAllConnections();
		}));
	onCleanup(stop);
	return { port, stop };
}
