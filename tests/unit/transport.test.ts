import { describe, expect, it } from 'vitest';

import { parseJson } from '../../src/transport';

describe('parseJson', () => {
	it('reads what JSON.parse reads, keys such as __proto__ and constructor included, as plain data', () => {
		const text =
			'{"prefs":{"constructorName":"x","constructor":{"prototype":1},"__proto__":{"polluted":true}},"list":[1,"2",null]}';
		const parsed = parseJson(text) as { prefs: Record<string, unknown> };
		expect(Object.keys(parsed.prefs)).toEqual(['constructorName', 'constructor', '__proto__']);
		expect(Object.getOwnPropertyDescriptor(parsed.prefs, '__proto__')?.value).toEqual({
			polluted: true,
		});
		expect(Object.getPrototypeOf(parsed.prefs)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('keeps integers beyond 2^53 exact as BigInt, and leaves digits inside strings and decimals alone', () => {
		const parsed = parseJson(
			'{"big":9007199254740993,"neg":-123456789012345678901,"safe":9007199254740991,"text":"12345678901234567890","float":1.2345678901234567890,"exp":12345678901234567e3}',
		);
		expect(parsed).toEqual({
			big: 9007199254740993n,
			neg: -123456789012345678901n,
			safe: 9007199254740991,
			text: '12345678901234567890',
			float: 1.2345678901234567,
			exp: 12345678901234567e3,
		});
	});

	it('keeps strings that look like its own markers as text', () => {
		expect(parseJson('{"a":"\\"12345678901234567890\\"","b":12345678901234567890}')).toEqual({
			a: '"12345678901234567890"',
			b: 12345678901234567890n,
		});
	});

	it('throws on malformed JSON', () => {
		expect(() => parseJson('{"a":')).toThrow(SyntaxError);
	});
});
