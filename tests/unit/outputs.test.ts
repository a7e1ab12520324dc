import { describe, expect, it } from 'vitest';

import { fillFileName, jsonItem, toJsonSafe } from '../../src/outputs';

describe('toJsonSafe', () => {
	it('turns BigInt into numbers when safe and into strings when not, at any depth', () => {
		const value = {
			small: BigInt(42),
			huge: BigInt('9007199254740993'),
			nested: [{ size: BigInt(-7) }, 'text', null, true],
		};
		const safe = toJsonSafe(value);
		expect(safe).toEqual({
			small: 42,
			huge: '9007199254740993',
			nested: [{ size: -7 }, 'text', null, true],
		});
		expect(() => JSON.stringify(safe)).not.toThrow();
	});

	it('copies a "__proto__" key of user data as data, changing no prototype', () => {
		const data = JSON.parse('{"prefs":{"__proto__":{"isAdmin":true},"constructor":"x"}}');
		const safe = toJsonSafe(data) as { prefs: Record<string, unknown> };
		expect(Object.keys(safe.prefs)).toEqual(['__proto__', 'constructor']);
		expect(Object.getPrototypeOf(safe.prefs)).toBe(Object.prototype);
		expect(safe.prefs.isAdmin).toBeUndefined();
		expect(JSON.stringify(safe)).toBe('{"prefs":{"__proto__":{"isAdmin":true},"constructor":"x"}}');
	});

	it('drops the non-enumerable helpers node-appwrite adds to results', () => {
		const result = { $id: 'u1' };
		Object.defineProperty(result, 'toString', { value: () => 'x', enumerable: false });
		expect(Object.keys(toJsonSafe(result) as object)).toEqual(['$id']);
	});
});

describe('jsonItem', () => {
	it('pairs the item and wraps results that are not objects', () => {
		expect(jsonItem({ a: 1 }, 3)).toEqual({ json: { a: 1 }, pairedItem: { item: 3 } });
		expect(jsonItem('text', 0)).toEqual({ json: { result: 'text' }, pairedItem: { item: 0 } });
	});
});

describe('fillFileName', () => {
	it('replaces {param} with the input value and keeps the name when it is empty', () => {
		expect(fillFileName('flag-{code}', { code: 'de' })).toBe('flag-de');
		expect(fillFileName('initials-{name}', { name: '' })).toBe('initials-name');
	});
});
