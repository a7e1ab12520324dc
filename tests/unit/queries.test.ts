import { Query } from 'node-appwrite';
import { describe, expect, it } from 'vitest';

import { QueryInputError, toQueryStrings } from '../../src/queries';

describe('toQueryStrings', () => {
	it('builds the common conditions with node-appwrite Query helpers, typed as asked', () => {
		const queries = toQueryStrings({
			conditions: [
				{ method: 'equal', attribute: 'name', valueType: 'string', value: '42' },
				{ method: 'greaterThan', attribute: 'age', valueType: 'number', value: '18' },
				{ method: 'equal', attribute: 'status', valueType: 'boolean', value: 'false' },
				{ method: 'between', attribute: 'score', valueType: 'number', value: '1', valueTo: '5' },
				{ method: 'isNull', attribute: 'phone' },
				{ method: 'orderDesc', attribute: '$createdAt' },
				{ method: 'select', attribute: 'name, email' },
			],
			raw: [{ query: '{"method":"containsAny","attribute":"labels","values":["vip"]}' }],
		});
		expect(queries).toEqual([
			Query.equal('name', '42'),
			Query.greaterThan('age', 18),
			Query.equal('status', false),
			Query.between('score', 1, 5),
			Query.isNull('phone'),
			Query.orderDesc('$createdAt'),
			Query.select(['name', 'email']),
			'{"method":"containsAny","attribute":"labels","values":["vip"]}',
		]);
	});

	it('accepts an array or JSON array text of queries from an expression', () => {
		expect(toQueryStrings([Query.limit(5), { method: 'offset', values: [5] }])).toEqual([
			Query.limit(5),
			'{"method":"offset","values":[5]}',
		]);
		expect(toQueryStrings(`[${JSON.stringify(Query.equal('a', 'b'))}]`)).toEqual([
			Query.equal('a', 'b'),
		]);
		expect(toQueryStrings('')).toEqual([]);
		expect(toQueryStrings({})).toEqual([]);
	});

	it.each([
		[
			{
				conditions: [
					{ method: 'greaterThan', attribute: 'age', valueType: 'number', value: 'old' },
				],
			},
			'condition 1: "old" is not a number',
		],
		[
			{ conditions: [{ method: 'equal', attribute: ' ', value: 'x' }] },
			'condition 1: the attribute is empty',
		],
		[{ raw: [{ query: 'name = Ann' }] }, 'raw query 1 is not JSON: name = Ann'],
		[['{"attribute":"name"}'], 'query 1 has no "method"'],
		['not json', 'is not a JSON array of queries: not json'],
	])('rejects bad input with a message that says what is wrong (%#)', (input, message) => {
		expect(() => toQueryStrings(input)).toThrow(QueryInputError);
		expect(() => toQueryStrings(input)).toThrow(message);
	});
});
