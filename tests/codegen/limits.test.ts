/**
 * The two limits the generator lifted, through the generated TablesDB node in n8n's engine with
 * the real node-appwrite: a nullable default is sent as null by its own switch, and integer limits
 * typed `number | bigint` reach Appwrite exactly, beyond 2^53 too, while a value that may have lost
 * digits is refused before any request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { appwriteCredentials, runNode } from '../support/engine';
import { StubServer } from '../support/stub-server';

let stub: StubServer;

beforeAll(async () => {
	stub = await StubServer.start();
});
afterAll(async () => stub.close());
beforeEach(() => {
	stub.reset();
	stub.fallback(() => ({ json: { key: 'count', type: 'integer', status: 'available' } }));
});

const COLUMN = {
	resource: 'column',
	databaseId: 'shop',
	tableId: 'orders',
	key: 'count',
	required: false,
};

async function tablesDb(
	operation: string,
	additionalFields: Record<string, unknown>,
	continueOnFail = false,
) {
	return await runNode({
		type: 'appwriteTablesDb',
		parameters: { ...COLUMN, operation, additionalFields },
		credentials: appwriteCredentials(stub.endpoint, 'k', 'p'),
		continueOnFail,
	});
}

/** The JSON body as sent: integers beyond 2^53 would lose digits in JSON.parse. */
function sentBody(): string {
	expect(stub.requests).toHaveLength(1);
	return stub.requests[0].body.toString('utf8');
}

describe('integer columns take min, max and default, exactly', () => {
	it('sends whole numbers as numbers, and text beyond 2^53 digit for digit', async () => {
		const result = await tablesDb('updateIntegerColumn', {
			xdefault: 7,
			min: -5,
			max: '9223372036854775807',
		});
		expect(result.status).toBe('success');
		expect(stub.requests[0].method).toBe('PATCH');
		expect(stub.requests[0].path).toBe('/v1/tablesdb/shop/tables/orders/columns/integer/count');
		expect(sentBody()).toBe('{"required":false,"min":-5,"max":9223372036854775807,"default":7}');
	});

	it('creates an integer column with its limits', async () => {
		await tablesDb('createIntegerColumn', { min: 0, max: 100, xdefault: 10 });
		expect(JSON.parse(sentBody())).toEqual({
			key: 'count',
			required: false,
			min: 0,
			max: 100,
			default: 10,
		});
	});

	it.each([
		[
			9007199254740993,
			'is 9007199254740992, beyond 2^53, where digits may be lost: give it as text, e.g. "9007199254740993"',
		],
		[1.5, 'expected a whole number, got 1.5'],
		['12abc', 'expected a whole number, got "12abc"'],
		['9223372036854775808', "is 9223372036854775808, outside Appwrite's 64-bit integers"],
	])('refuses %s before any request, naming the field and the item', async (max, problem) => {
		const result = await tablesDb('updateIntegerColumn', { xdefault: 1, max }, true);
		expect(stub.requests).toEqual([]);
		expect(result.output()).toEqual([
			{
				json: {
					error: `The field "Maximum" ${problem} [item 0]`,
					description: 'Check the value of "Maximum" for item 0.',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('a nullable default', () => {
	it('is sent as null when its switch is on, whatever the field holds', async () => {
		await tablesDb('updateIntegerColumn', { xdefault: 3, xdefaultSetToNull: true });
		expect(sentBody()).toBe('{"required":false,"default":null}');
		stub.reset();
		await tablesDb('updateVarcharColumn', { xdefaultSetToNull: true });
		expect(JSON.parse(sentBody())).toEqual({ required: false, default: null });
	});

	it('is sent as given when the switch is off', async () => {
		await tablesDb('updateVarcharColumn', { xdefault: 'none', xdefaultSetToNull: false });
		expect(JSON.parse(sentBody())).toEqual({ required: false, default: 'none' });
	});
});
