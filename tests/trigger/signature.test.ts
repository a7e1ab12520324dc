/**
 * The webhook signature check against test vectors computed outside this code:
 *   printf '%s%s' "$URL" "$BODY" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
 * (Appwrite: base64(HMAC-SHA1(secret, rawurldecode(registered URL) + raw body))).
 */
import { describe, expect, it } from 'vitest';

import { isSignedBy, signDelivery, testSignatureKey } from '../../src/trigger/signature';

const SECRET = 'whsec-test-0123456789abcdef';
const URL = 'https://n8n.example.com/webhook/3f1c9a52-8d1e-4c1b-9a0e-5b2c7d4e6f10/webhook';
const BODY = Buffer.from(
	'{"$id":"row1","$updatedAt":"2026-01-05T10:00:00.000+00:00","title":"Hello"}',
);
const SIGNATURE = 'n9+qBLVEKu9QK0wF+vpCMg6VtoA=';
const WRONG_KEY_SIGNATURE = 'Zut/Hk74FaVRtQFbhpZnDaI7B1g=';

describe('the signature of a delivery', () => {
	it('matches the vector for the right key, URL and body', () => {
		expect(signDelivery(SECRET, URL, BODY)).toBe(SIGNATURE);
		expect(isSignedBy(SECRET, URL, BODY, SIGNATURE)).toBe(true);
	});

	it('is refused when made with another key', () => {
		expect(signDelivery('wrong-secret-000', URL, BODY)).toBe(WRONG_KEY_SIGNATURE);
		expect(isSignedBy(SECRET, URL, BODY, WRONG_KEY_SIGNATURE)).toBe(false);
	});

	it('is refused for an altered body, even by one byte or one trailing space', () => {
		expect(
			isSignedBy(SECRET, URL, Buffer.from(BODY.toString().replace('Hello', 'Hellp')), SIGNATURE),
		).toBe(false);
		expect(isSignedBy(SECRET, URL, Buffer.concat([BODY, Buffer.from(' ')]), SIGNATURE)).toBe(false);
	});

	it('is refused for another URL (the signature covers the URL as registered)', () => {
		expect(isSignedBy(SECRET, URL.replace('/webhook/', '/webhook-test/'), BODY, SIGNATURE)).toBe(
			false,
		);
		expect(isSignedBy(SECRET, `${URL}/`, BODY, SIGNATURE)).toBe(false);
	});

	it('is refused when the header is missing or empty, or no secret is known', () => {
		expect(isSignedBy(SECRET, URL, BODY, undefined)).toBe(false);
		expect(isSignedBy(SECRET, URL, BODY, '')).toBe(false);
		expect(isSignedBy('', URL, BODY, SIGNATURE)).toBe(false);
	});

	it('is refused when truncated or padded, without throwing on the length difference', () => {
		expect(isSignedBy(SECRET, URL, BODY, SIGNATURE.slice(0, -1))).toBe(false);
		expect(isSignedBy(SECRET, URL, BODY, `${SIGNATURE}AA`)).toBe(false);
	});

	it('percent-decodes the registered URL as Appwrite does (rawurldecode, UTF-8 bytes)', () => {
		const encoded = 'https://n8n.example.com/webhook/caf%C3%A9%20shop/webhook';
		expect(signDelivery(SECRET, encoded, BODY)).toBe('LRB8LinuxqSMasXy6a4Wegt9Ol0=');
		// rawurldecode leaves "+" alone (unlike urldecode) and ignores a stray "%".
		expect(signDelivery(SECRET, 'https://x.example/a+b%zz', BODY)).toBe(
			'l112KQm8KqcUnuLMKm+q1ZblQZs=',
		);
		expect(signDelivery(SECRET, 'https://x.example/a+b', BODY)).not.toBe(
			signDelivery(SECRET, 'https://x.example/a b', BODY),
		);
	});
});

describe('the Appwrite Webhook API credential test', () => {
	const test = (signingSecret: unknown) =>
		testSignatureKey.call(
			{} as never,
			{ id: 'c', name: 'c', type: 'appwriteWebhookApi', data: { signingSecret } } as never,
		);

	it("accepts a key of Appwrite's form and says the first delivery proves it", async () => {
		expect(await test('a'.repeat(128))).toEqual({
			status: 'OK',
			message: expect.stringMatching(/delivery/),
		});
	});

	it('refuses keys Appwrite never issues, without echoing them', async () => {
		for (const key of ['short', 'x'.repeat(257), ' padded-key-123 ', undefined]) {
			const result = await test(key);
			expect(result.status).toBe('Error');
			if (typeof key === 'string') expect(result.message).not.toContain(key.trim());
		}
	});
});
