import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Avatars → Get Initials: one item with the image as binary "data"',
	node: 'Get Initials',
	check({ items, binaryOf, traffic }) {
		assert.equal(items.length, 1);
		const binary = items[0].binary?.data;
		assert.ok(binary, `no binary "data" on the item: ${JSON.stringify(items[0]).slice(0, 500)}`);
		assert.match(String(binary.mimeType), /^image\//);
		const request = traffic.find((e) => e.path.startsWith('/v1/avatars/initials'));
		assert.ok(request, 'n8n made no request to /v1/avatars/initials');
		assert.match(
			request.path,
			/name=Ann(\+|%20)Lee/,
			`the name did not reach the query: ${request.path}`,
		);
		const bytes = binaryOf(items[0]);
		assert.ok(bytes, 'the binary data could not be read');
		assert.deepEqual(
			bytes,
			request.responseBody,
			'the binary is not the bytes the server answered with',
		);
	},
});
