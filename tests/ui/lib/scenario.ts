import type { AppwriteCatalog } from './appwrite-catalog';
import type { Editor } from './editor';

export interface ScenarioContext {
	editor: Editor;
	catalog: AppwriteCatalog;
	/** What the user types into the credential dialog. */
	credential: { endpoint: string; projectId: string; apiKey: string };
}

/** One check a user would make; a returned text is printed next to "ok". */
export interface Step {
	name: string;
	run(context: ScenarioContext): Promise<string | void>;
}

export interface Scenario {
	name: string;
	steps: Step[];
}
