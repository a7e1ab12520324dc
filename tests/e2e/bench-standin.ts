/**
 * The Appwrite server of `npm run bench:scale`: answers Users → Get with a fixed user, in the
 * benchmark's own process, and 404 to anything else. The Prism stand-in validates every request
 * against Appwrite's spec, which would put Prism's CPU time into a figure meant to be n8n's and
 * this package's. Loaded through E2E_STANDIN_MODULE (lib/standin.ts).
 */
import { createServer } from 'node:http';

const USER_PATH = /^\/v1\/users\/([^/?]+)$/;

export async function startStandIn(): Promise<{
	endpoint: string;
	port: number;
	stop(): Promise<void>;
}> {
	const server = createServer((request, response) => {
		request.resume();
		const userId = request.method === 'GET' ? USER_PATH.exec(request.url ?? '')?.[1] : undefined;
		response.writeHead(userId ? 200 : 404, { 'content-type': 'application/json' });
		response.end(
			JSON.stringify(
				userId
					? {
							$id: decodeURIComponent(userId),
							name: 'Bench User',
							email: 'bench@example.com',
							status: true,
							labels: [],
							prefs: {},
						}
					: { message: 'Not found', code: 404, type: 'general_route_not_found', version: '1.8.0' },
			),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	const stop = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return { endpoint: `http://127.0.0.1:${port}/v1`, port, stop };
}
