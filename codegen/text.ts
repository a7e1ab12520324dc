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
 * n8n's lint wants a one-sentence description without a final period and a two-sentence one with
 * it; catalog authors write naturally, so settle it here.
 */
export function n8nDescription(text: string): string {
	const trimmed = text.trim().replace(/\.$/, '');
	return trimmed.replace('e.g.', '').split('. ').length > 1 ? `${trimmed}.` : trimmed;
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
