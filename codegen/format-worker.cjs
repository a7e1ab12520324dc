// Formats a share of the generated files with prettier in a worker thread; codegen/format.ts starts
// it early (prettier loads while the catalog is resolved) and waits for it synchronously, since
// prettier only formats asynchronously.
const { workerData } = require('node:worker_threads');

const { options, signal, index, port } = workerData;

function answer(message) {
	port.postMessage(message);
	const flags = new Int32Array(signal);
	Atomics.store(flags, index, 1);
	Atomics.notify(flags, index);
	port.close();
}

function failure(error) {
	return { error: String(error && error.message ? error.message : error) };
}

async function formatAll(prettier, files) {
	const formatted = [];
	for (const [file, source] of files) {
		const parser = file.endsWith('.json') ? 'json' : 'babel-ts';
		formatted.push([file, await prettier.format(source, { ...options, parser })]);
	}
	return formatted;
}

let prettier;
try {
	prettier = require('prettier');
	// Warm up the parser and printer while the main thread is still busy.
	prettier
		.format('const warm = { up: [1] };', { ...options, parser: 'babel-ts' })
		.catch(() => undefined);
} catch (error) {
	port.once('message', () => answer(failure(error)));
}

if (prettier) {
	port.once('message', (files) => {
		formatAll(prettier, files).then(
			(formatted) => answer({ formatted }),
			(error) => answer(failure(error)),
		);
	});
}
