/**
 * Regression check for the "exit null" of `n8n execute`: n8n exiting while its isolated-vm
 * expression pool builds a replacement isolate died of SIGSEGV after printing a good run (see
 * exit-guard.cjs). It did so in roughly one run in a few, so one run proves little: run the same
 * workflow `runs` times and require a clean exit 0 with the run printed every time.
 */
import { executeWorkflow, type N8nInstance } from './n8n';
import { describeEnd } from './proc';

export interface ExitRaceResult {
	ends: string[];
	/** Why not every run ended cleanly; undefined when all did. */
	problem?: string;
}

export async function checkExitRace(
	instance: N8nInstance,
	workflowId: string,
	runs = 5,
	env?: NodeJS.ProcessEnv,
): Promise<ExitRaceResult> {
	const ends: string[] = [];
	for (let i = 0; i < runs; i++) {
		const result = await executeWorkflow(instance, workflowId, undefined, env);
		const clean = result.exitCode === 0 && result.signal === null && result.run !== undefined;
		ends.push(
			clean
				? 'exit 0'
				: `${describeEnd(result.exitCode, result.signal)}${result.run ? '' : ' (no run printed)'}`,
		);
	}
	const bad = ends.filter((end) => end !== 'exit 0');
	return {
		ends,
		problem:
			bad.length > 0
				? `${bad.length} of ${runs} runs did not end cleanly: ${ends.join(', ')}`
				: undefined,
	};
}
