/**
 * Preloaded into `n8n execute` (NODE_OPTIONS=--require): lets n8n's expression engine shut down
 * before the process exits.
 *
 * Why: n8n 2.41.1 evaluates expressions in isolated-vm isolates from a pool
 * (@n8n/expression-runtime). When a workflow's last expression is done, the pool releases the
 * isolate and starts building a replacement on a worker thread. `n8n execute` then ends with
 * BaseCommand.finally() → process.exit() without disposing the pool (only exitSuccessFully()
 * does). Exiting while an isolate is being built crashes the process in native code: it dies of
 * SIGSEGV after printing the run, which the e2e once reported as "exit null".
 *
 * So the first process.exit() waits (at most 5 s) for Expression.disposeExpressionEngine(), the
 * same call n8n makes on its other exit path, then exits with the code n8n asked for. A second
 * process.exit() while that runs keeps the first one's code.
 */
'use strict';

const realExit = process.exit.bind(process);
let exiting = false;

/** n8n's own copy of n8n-workflow, only if n8n has loaded it (never loads it itself). */
function loadedExpression() {
	try {
		const file = require.resolve('n8n-workflow', { paths: [__dirname] });
		return require.cache[file]?.exports?.Expression;
	} catch {
		return undefined;
	}
}

process.exit = function exitAfterDisposingExpressionEngine(code) {
	if (exiting) return undefined;
	exiting = true;
	const Expression = loadedExpression();
	if (!Expression?.vmEvaluator) return realExit(code);
	const deadline = setTimeout(() => realExit(code), 5000);
	Expression.disposeExpressionEngine()
		.catch(() => undefined)
		.finally(() => {
			clearTimeout(deadline);
			realExit(code);
		});
	return undefined;
};
