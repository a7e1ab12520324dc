// Formats a share of the generated files with prettier in a worker thread; codegen/format.ts waits
// for it synchronously, since prettier only formats asynchronously.
const { workerData } = require('node:worker_threads');
const prettier = require('prettier');

const { files, options, signal, index, port } = workerData;

async function formatAll() {
	const formatted = [];
	for (const [file, source] of files) {
		const parser = file.endsWith('.json') ? 'json' : 'babel-ts';
		formatted.push([file, await prettier.format(source, { ...options, parser })]);
	}
	return formatted;
}

formatAll()
	.then((formatted) => port.postMessage({ formatted }))
	.catch((error) =>
		port.postMessage({ error: String(error && error.message ? error.message : error) }),
	)
	.finally(() => {
		const flags = new Int32Array(signal);
		Atomics.store(flags, index, 1);
		Atomics.notify(flags, index);
	});
