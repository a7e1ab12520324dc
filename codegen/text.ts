const ACRONYMS: Record<string, string> = {
	Id: 'ID',
	Ids: 'IDs',
	Url: 'URL',
	Json: 'JSON',
	Api: 'API',
	Sms: 'SMS',
	Qr: 'QR',
	Mfa: 'MFA',
	Jwt: 'JWT',
	Smtp: 'SMTP',
	Apns: 'APNs',
	Fcm: 'FCM',
	Eu: 'EU',
	Ip: 'IP',
	Tls: 'TLS',
	Html: 'HTML',
	Cc: 'CC',
	Bcc: 'BCC',
};

/** `userId` → `User ID`, `scheduledAt` → `Scheduled At`. */
export function humanize(name: string): string {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(' ')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.map((word) => ACRONYMS[word] ?? word)
		.join(' ');
}

export function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * How many sentences n8n's lint counts in a description: it splits at ". " after taking out the
 * first "e.g.", and wants a final period after two sentences and none after one. The style checks
 * below refuse what it would misread (a second "e.g.", "i.e."), so its count is the true one.
 */
function sentenceCount(text: string): number {
	return text.replace('e.g.', '').split('. ').length;
}

/** Abbreviations whose period n8n's lint would take for the end of a sentence. */
const MISREAD_ABBREVIATIONS = /\b(i\.e|etc|vs|cf|approx)\.\s/i;

/**
 * What breaks n8n's style in a description, tooltip or hint (n8n's UI text guidelines and the
 * description rules of its lint): empty, untrimmed or doubled spaces, a lower-case start, a final
 * period after one sentence or none after several, an abbreviation n8n's lint miscounts, miscased
 * ID, URL or JSON, an unhyphenated "comma separated", an HTML line break, and for a switch a
 * description that does not start with "Whether". The generator refuses catalog text with any of
 * these, so what it prints passes n8n's lint without being rewritten.
 */
export function styleProblems(text: string, options: { boolean?: boolean } = {}): string[] {
	if (text.trim() === '') return ['is empty'];
	const problems: string[] = [];
	if (text !== text.trim()) problems.push('has spaces around it');
	if (/\s{2,}|\n/.test(text)) problems.push('has doubled spaces or a line break');
	if (/^[a-z]/.test(text)) problems.push('starts with a lower-case letter');
	if (MISREAD_ABBREVIATIONS.test(text) || text.split('e.g.').length > 2) {
		problems.push(
			`uses ${MISREAD_ABBREVIATIONS.exec(text)?.[0].trim() ?? 'e.g. twice'}, which n8n's lint takes for the end of a sentence; reword it`,
		);
	} else if (sentenceCount(text) === 1 && text.endsWith('.')) {
		problems.push('is one sentence, which n8n writes without a final period');
	} else if (sentenceCount(text) > 1 && !text.endsWith('.')) {
		problems.push('has several sentences, so it needs a final period');
	}
	for (const [pattern, word] of [
		[/\b(i|I)d(s?)\b/, 'ID'],
		[/\b(u|U)rl(s?)\b/, 'URL'],
		[/\b(j|J)son\b/, 'JSON'],
	] as const) {
		if (pattern.test(text))
			problems.push(`writes ${pattern.exec(text)?.[0]} where n8n writes ${word}`);
	}
	if (/omma separated/i.test(text)) problems.push('writes "comma separated" without its hyphen');
	if (/<\/? ?br ?\/?>/.test(text)) problems.push('has an HTML line break');
	if (options.boolean && !text.startsWith('Whether'))
		problems.push('describes a switch, so it starts with "Whether"');
	return problems;
}

/** A drafted description (catalog:scaffold) in n8n's style as far as that is mechanical; review does the rest. */
export function toN8nStyle(text: string): string {
	const cleaned = text
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/\bi\.e\.\s/gi, 'that is ')
		.replace(/\b[iI]d(s?)\b/g, 'ID$1')
		.replace(/\b[uU]rl(s?)\b/g, 'URL$1')
		.replace(/\b[jJ]son\b/g, 'JSON')
		.replace(/omma separated/g, 'omma-separated')
		.replace(/\.$/, '');
	const capitalised = cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
	return sentenceCount(capitalised) > 1 ? `${capitalised}.` : capitalised;
}

/**
 * Joins descriptions that each follow n8n's style into one: several sentences, each with its
 * period. The catalog's own text is checked by styleProblems, so a single one is printed as written.
 */
export function joinSentences(...parts: Array<string | undefined>): string {
	const given = parts.filter((part): part is string => Boolean(part));
	if (given.length === 1) return given[0];
	return given.map((part) => (/[.!?]$/.test(part) ? part : `${part}.`)).join(' ');
}

/**
 * n8n's lint (sentence-case rule) accepts words that are all lower case, all upper case, or the
 * first word capitalised; apostrophes and mixed case such as "APNs" fail it.
 */
export function isN8nSentenceCase(sentence: string): boolean {
	return sentence.split(' ').every((word, index) => {
		if (word === word.toUpperCase() && /[A-Z]/.test(word)) return true;
		const rest = index === 0 ? word.slice(1) : word;
		return (
			!word.includes("'") &&
			rest === rest.toLowerCase() &&
			(index > 0 || word[0] === word[0].toUpperCase())
		);
	});
}
