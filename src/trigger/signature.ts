/**
 * Appwrite signs each webhook delivery with the webhook's secret:
 * `X-Appwrite-Webhook-Signature = base64(HMAC-SHA1(secret, URL + raw body))`, where the URL is the
 * webhook's URL as registered, percent-decoded the way PHP's rawurldecode does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

export const SIGNATURE_HEADER = 'x-appwrite-webhook-signature';

const PERCENT = 0x25;

function isHexDigit(byte: number | undefined): boolean {
	return byte !== undefined && /[0-9a-f]/i.test(String.fromCharCode(byte));
}

/** PHP's rawurldecode on bytes: every `%XX` becomes that byte, everything else stays (`+` too). */
function rawUrlDecode(url: string): Buffer {
	const source = Buffer.from(url, 'utf8');
	const bytes: number[] = [];
	for (let index = 0; index < source.length; index++) {
		if (
			source[index] === PERCENT &&
			isHexDigit(source[index + 1]) &&
			isHexDigit(source[index + 2])
		) {
			bytes.push(parseInt(source.subarray(index + 1, index + 3).toString('latin1'), 16));
			index += 2;
		} else {
			bytes.push(source[index]);
		}
	}
	return Buffer.from(bytes);
}

/** The signature Appwrite sends for `body` delivered to the webhook registered at `url`. */
export function signDelivery(secret: string, url: string, body: Buffer): string {
	return createHmac('sha1', secret).update(rawUrlDecode(url)).update(body).digest('base64');
}

/** Whether `signature` (the header as received) is Appwrite's, compared in constant time. */
export function isSignedBy(
	secret: string,
	url: string,
	body: Buffer,
	signature: string | undefined,
): boolean {
	if (!secret || !signature) return false;
	const expected = Buffer.from(signDelivery(secret, url, body));
	const given = Buffer.from(signature.trim());
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The check behind the "Appwrite Webhook API" credential's Test button. Only Appwrite knows the
 * key, so this checks its form (Appwrite takes 8 to 256 characters); the first delivery proves it.
 */
export async function testSignatureKey(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const key =
		typeof credential.data?.signingSecret === 'string' ? credential.data.signingSecret : '';
	if (key !== key.trim())
		return {
			status: 'Error',
			message:
				'The signature key starts or ends with spaces: copy it again from the Appwrite console',
		};
	if (key.length < 8 || key.length > 256) {
		return {
			status: 'Error',
			message:
				'An Appwrite signature key has 8 to 256 characters: copy it again from the Appwrite console',
		};
	}
	return {
		status: 'OK',
		message:
			'The key has the form of an Appwrite signature key; a delivery that passes the check proves it',
	};
}
