import { assert, assertAppwriteObject, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description:
		'Storage binary round trip: the n8n file reaches the server byte for byte (multipart upload), and the downloaded bytes become the binary "data"',
	node: 'Download File',
	check({ items, itemsOf, binaryOf, traffic, multipartPart }) {
		// upload: the bytes n8n made ("To File") are the bytes the server received
		const made = itemsOf('To File')[0];
		const madeBytes = made && binaryOf(made);
		assert.equal(madeBytes?.toString('utf8'), 'Hello from the n8n e2e test');
		const upload = traffic.find(
			(e) => e.method === 'POST' && e.path === '/v1/storage/buckets/e2e-bucket/files',
		);
		assert.ok(
			upload,
			`no upload request; saw ${traffic.map((e) => `${e.method} ${e.path}`).join(', ')}`,
		);
		assert.deepEqual(
			multipartPart(upload, 'file'),
			madeBytes,
			'the uploaded file part differs from the n8n binary',
		);
		const uploaded = itemsOf('Upload File');
		assert.equal(uploaded.length, 1);
		assertAppwriteObject(uploaded[0].json, 'the uploaded file');

		// download: the bytes the server answered with are the item's binary
		assert.equal(items.length, 1);
		const download = traffic.find(
			(e) =>
				e.method === 'GET' &&
				/^\/v1\/storage\/buckets\/e2e-bucket\/files\/[^/]+\/download/.test(e.path),
		);
		assert.ok(download, 'no download request');
		assert.ok(
			items[0].binary?.data,
			`no binary "data" on the downloaded item: ${JSON.stringify(items[0]).slice(0, 500)}`,
		);
		assert.deepEqual(
			binaryOf(items[0]),
			download.responseBody,
			'the downloaded binary differs from the server answer',
		);
	},
});
