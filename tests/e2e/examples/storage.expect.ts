import { assert, defineExpectation } from '../lib/expect';

export default defineExpectation({
	description: 'Storage: the uploaded text file downloads with the same bytes and name',
	node: 'Download File',
	check({ items, binaryOf, itemsOf }) {
		const uploaded = itemsOf('Upload File')[0]?.json;
		assert.equal(uploaded?.name, 'hello.txt');
		assert.equal(items.length, 1);
		assert.equal(binaryOf(items[0])?.toString('utf8'), 'Hello, Appwrite!');
		assert.equal(items[0].binary?.data?.fileName, 'hello.txt');
	},
});
