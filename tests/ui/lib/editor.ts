/**
 * What a user does in n8n's editor (2.41.1), as steps on a playwright-core page: sign in, open a
 * new workflow, add a node through the node creator, create a credential, fill parameters, pick
 * from a resource locator's list, execute the node and read the output panel. Elements are found
 * by n8n's own `data-test-id`s (the ones its Playwright suite uses) and by the text a user reads.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

export interface Screenshot {
	file: string;
	bytes: number;
}

/** What the output panel's binary view shows for one file. */
export interface BinaryCard {
	fileName: string;
	mimeType: string;
	fileSize: string;
}

/** A field of n8n's resource mapper: the column's key, its label, whether it is required. */
export interface MapperField {
	name: string;
	label: string;
	required: boolean;
}

const NAVIGATION = { waitUntil: 'domcontentloaded', timeout: 90_000 } as const;

export class Editor {
	readonly screenshots: Screenshot[] = [];

	constructor(
		readonly page: Page,
		readonly baseUrl: string,
		private readonly screenshotDir: string,
	) {}

	byTestId(id: string, within: Page | Locator = this.page): Locator {
		return within.locator(`[data-test-id="${id}"]`);
	}

	/** A PNG of the window in the screenshot folder, after the UI has settled. */
	async screenshot(name: string): Promise<void> {
		const file = join(this.screenshotDir, `${name}.png`);
		await this.page.waitForTimeout(300); // let transitions and tooltips finish
		await this.page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
		this.screenshots.push({ file, bytes: statSync(file).size });
	}

	async signIn(email: string, password: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/signin`, NAVIGATION);
		await this.byTestId('emailOrLdapLoginId').locator('input').fill(email);
		await this.byTestId('password').locator('input').fill(password);
		await this.byTestId('form-submit-button').click();
		await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	}

	async openNewWorkflow(): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/new`, NAVIGATION);
		await this.byTestId('canvas-plus-button').waitFor({ timeout: 60_000 });
	}

	/**
	 * Searches the node creator for a node, opens its actions and picks one ("Create a row"); n8n
	 * adds the node behind a manual trigger and opens it. `screenshot` is taken on the actions list.
	 */
	async addNodeWithAction(nodeName: string, action: string, screenshot?: string): Promise<void> {
		await this.byTestId('canvas-plus-button').click();
		await this.byTestId('node-creator-search-bar').fill(nodeName);
		await this.byTestId('node-creator-item-name').getByText(nodeName, { exact: true }).click();
		const actionItem = this.byTestId('node-creator-item-name').getByText(action, { exact: true });
		await actionItem.waitFor();
		if (screenshot) await this.screenshot(screenshot);
		await actionItem.click();
		await this.ndv().waitFor();
	}

	ndv(): Locator {
		return this.byTestId('ndv');
	}

	parameter(name: string): Locator {
		return this.byTestId(`parameter-input-${name}`, this.ndv());
	}

	/** The option a dropdown parameter shows (Resource, Operation…). */
	async dropdownValue(name: string): Promise<string> {
		return (await this.parameter(name).locator('input').first().inputValue()).trim();
	}

	async chooseOption(name: string, option: string): Promise<void> {
		await this.parameter(name).click();
		// an option's accessible name is its name followed by its description
		await this.page
			.getByRole('option', { name: new RegExp(`^${option}`) })
			.first()
			.click();
	}

	async fillText(name: string, value: string): Promise<void> {
		await this.parameter(name).locator('input, textarea').first().fill(value);
	}

	/** Replaces the text of a JSON parameter's code editor, as if pasted. */
	async fillJson(name: string, text: string): Promise<void> {
		await this.parameter(name).locator('.cm-content').click();
		await this.page.keyboard.press('Control+a');
		await this.page.keyboard.press('Delete');
		await this.page.keyboard.insertText(text);
		// the editor hands its text to the node when it loses focus (and after a pause)
		await this.parameter(name)
			.locator('xpath=ancestor::*[@data-test-id="parameter-item"][1]//label')
			.first()
			.click();
		await this.page.waitForTimeout(1000);
	}

	/**
	 * Creates the node's credential from the empty credential slot: fills the dialog, saves it (n8n
	 * tests a credential when it is saved) and returns the test's message. The dialog closes itself
	 * once the test passes and the node uses the new credential.
	 */
	async createCredential(values: Record<string, string>, screenshot?: string): Promise<string> {
		await this.byTestId('node-credentials-empty-state').locator('button').click();
		const dialog = this.byTestId('credential-edit-dialog');
		await dialog.waitFor();
		for (const [name, value] of Object.entries(values)) {
			await this.byTestId(`parameter-input-${name}`, dialog).locator('input').fill(value);
		}
		if (screenshot) await this.screenshot(screenshot);
		const [tested] = await Promise.all([
			this.page.waitForResponse((response) => response.url().includes('/rest/credentials/test')),
			this.byTestId('credential-save-button').click(), // in the dialog's header, outside its body
		]);
		const answer = (await tested.json()) as { data?: { status?: string; message?: string } };
		if (answer.data?.status !== 'OK')
			throw new Error(`The credential test answered ${JSON.stringify(answer)}`);
		await dialog.waitFor({ state: 'hidden' });
		return answer.data.message ?? 'OK';
	}

	/** The name of the credential the node uses. */
	async selectedCredential(): Promise<string> {
		return (
			await this.byTestId('node-credentials-select', this.ndv())
				.locator('input')
				.first()
				.inputValue()
		).trim();
	}

	/** A resource locator parameter (From list / By URL / By ID). */
	resourceLocator(name: string): Locator {
		return this.byTestId(`resource-locator-${name}`, this.ndv());
	}

	/**
	 * Picks an object From list: opens the locator's list, types `search` into its search box and
	 * clicks the entry named `label`. Returns the names the list showed for the search. The list is
	 * a popover teleported out of the parameter: only one is open, so it is found on the page.
	 */
	async pickFromList(
		name: string,
		search: string,
		label: string,
		screenshot?: string,
	): Promise<string[]> {
		const locator = this.resourceLocator(name);
		await this.chooseLocatorMode(locator, 'From list');
		await this.byTestId('rlc-input', locator).click();
		const searchBox = this.page
			.locator('[data-test-id="rlc-search"]:visible')
			.locator('input')
			.or(this.page.locator('input[data-test-id="rlc-search"]:visible'));
		await searchBox.fill(search);
		const items = this.page.locator('[data-test-id="rlc-item"]:visible');
		const wanted = items.filter({ hasText: label }).first();
		await wanted.waitFor();
		await this.page.waitForTimeout(500); // the list is searched as the user types: let the last answer land
		const shown = (await items.allInnerTexts()).map((text) => text.trim());
		if (screenshot) await this.screenshot(screenshot);
		await wanted.click();
		await items.first().waitFor({ state: 'hidden' });
		return shown;
	}

	/** The text a resource locator shows once something is picked. */
	async locatorValue(name: string): Promise<string> {
		return (await this.byTestId('rlc-input', this.resourceLocator(name)).inputValue()).trim();
	}

	private async chooseLocatorMode(locator: Locator, mode: string): Promise<void> {
		const selector = this.byTestId('rlc-mode-selector', locator);
		const wanted = new RegExp(`^${mode}$`, 'i'); // n8n writes "From List", "By ID"
		if (wanted.test((await selector.locator('input').inputValue()).trim())) return;
		await selector.click();
		await this.page.getByRole('option', { name: wanted }).click();
	}

	/** The fields n8n's resource mapper shows (a table's columns), in order. */
	async mapperFields(): Promise<MapperField[]> {
		const container = this.byTestId('mapping-fields-container', this.ndv());
		await container.waitFor();
		const fields: MapperField[] = [];
		for (const item of await container.locator('.parameter-item').all()) {
			const input = item.locator('[data-test-id^="parameter-input-"]').first();
			const testId = (await input.getAttribute('data-test-id')) ?? '';
			const label = (await item.locator('[data-test-id="input-label"] label').first().innerText())
				.split('\n')[0]
				.trim();
			// a required column cannot be removed: n8n shows a help icon where others have a trash button
			const removable = (await item.locator('[data-test-id^="remove-field-button-"]').count()) > 0;
			fields.push({ name: testId.replace(/^parameter-input-/, ''), label, required: !removable });
		}
		return fields;
	}

	/** Types a value into the mapper's field for one column. */
	async fillMapped(column: string, value: string): Promise<void> {
		const field = this.byTestId('mapping-fields-container', this.ndv()).locator(
			`[data-test-id="parameter-input-${column}"]`,
		);
		await field.locator('input, textarea').first().fill(value);
	}

	/** Runs the node ("Execute step") and waits for its output. */
	async executeNode(): Promise<void> {
		await this.byTestId('node-execute-button', this.ndv()).click();
		const output = this.outputPanel();
		await Promise.race([
			this.byTestId('node-run-status-success', output).waitFor({ timeout: 60_000 }),
			this.page
				.getByText(/^Problem in node/)
				.first()
				.waitFor({ timeout: 60_000 })
				.then(async () => {
					throw new Error(`The node failed: ${await output.innerText()}`);
				}),
		]);
	}

	outputPanel(): Locator {
		return this.byTestId('output-panel');
	}

	/** The output items as the JSON view shows them. */
	async outputJson(): Promise<Array<Record<string, unknown>>> {
		const output = this.outputPanel();
		await this.byTestId('radio-button-json', output).click();
		const container = this.byTestId('ndv-data-container', output);
		await container.getByText('[', { exact: true }).first().waitFor(); // the view renders after the switch
		// the view indents with no-break spaces
		const text = (await container.innerText()).replace(/\u00a0/g, ' ');
		return JSON.parse(text) as Array<Record<string, unknown>>;
	}

	async showOutputAs(mode: 'table' | 'json' | 'schema' | 'binary'): Promise<void> {
		await this.byTestId(`radio-button-${mode}`, this.outputPanel()).click();
	}

	/** The first binary file of the output's binary view: what its card says about it. */
	async binaryCard(): Promise<BinaryCard> {
		await this.showOutputAs('binary');
		const card = this.byTestId('ndv-binary-data_0', this.outputPanel());
		// the card reads "File Name:", the value, "File Extension:", the value, …
		const lines = (await card.innerText()).split('\n').map((line) => line.trim());
		const value = (label: string) => lines[lines.indexOf(`${label}:`) + 1] ?? '';
		return {
			fileName: value('File Name'),
			mimeType: value('Mime Type'),
			fileSize: value('File Size'),
		};
	}

	/** Clicks the binary card's View and returns the text n8n shows of the file (a frame on /rest/binary-data). */
	async viewBinary(): Promise<string> {
		await this.byTestId('ndv-view-binary-data', this.outputPanel()).click();
		const deadline = Date.now() + 30_000;
		for (;;) {
			const frame = this.page
				.frames()
				.find((candidate) => candidate.url().includes('/rest/binary-data'));
			const text = frame
				? (
						await frame
							.locator('body')
							.innerText()
							.catch(() => '')
					).trim()
				: '';
			if (text) return text;
			if (Date.now() > deadline) throw new Error('View showed no file within 30 s');
			await this.page.waitForTimeout(300);
		}
	}
}
