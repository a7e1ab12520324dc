/**
 * Plausible values for every kind of catalog parameter, so contract tests can fill in every field
 * an action shows (optional ones too) and let the spec-driven stand-in judge the request.
 */
import type { ActionSpec, ParamSpec } from '../../src/types';

const BY_NAME: Record<string, unknown> = {
	email: 'ann@example.com',
	fromEmail: 'noreply@example.com',
	replyToEmail: 'support@example.com',
	phone: '+14155550100',
	number: '+14155550100',
	from: '+14155550100',
	password: 'correct-horse-battery',
	url: 'https://example.com/picture.png',
	background: 'f02e65',
	borderColor: 'ff0000',
	color: '#ff0000',
	prefs: '{"theme":"dark"}',
	data: '{"title":"Hello"}',
	headers: '{"x-request-id":"abc"}',
	serviceAccountJSON: '{"type":"service_account","project_id":"demo"}',
	permissions: 'read("any")',
	labels: 'vip, beta',
	allowedFileExtensions: 'jpg, png',
	subscribe: 'users',
	attachments: 'bucket1:file1',
	host: 'smtp.example.com',
	body: '{"hello":"world"}',
	xpath: '/run',
	text: 'https://appwrite.io',
	documents: '[{"$id":"doc1","title":"Hello"}]',
	operations:
		'[{"action":"create","databaseId":"db","collectionId":"col","documentId":"doc1","data":{"title":"Hello"}}]',
	attributes: '[{"key":"title","type":"string","size":255}]',
	indexes: '[{"key":"title_idx","type":"key","attributes":["title"]}]',
	lengths: '[64]',
};

export function sampleValue(
	spec: ParamSpec,
	defaults: Record<string, unknown>,
	placeholders: Record<string, unknown> = {},
): unknown {
	// Named samples fit free-form fields; pickers (e.g. a screenshot's browser permissions) use their own values.
	if (spec.name in BY_NAME && spec.kind !== 'options' && spec.kind !== 'multiOptions')
		return BY_NAME[spec.name];
	// A field's placeholder is an example of a valid value (an email address, a URL).
	if (spec.kind === 'string' && typeof placeholders[spec.name] === 'string')
		return placeholders[spec.name];
	switch (spec.kind) {
		case 'id':
			return '';
		case 'number':
			return defaults[spec.name] ?? 1;
		case 'boolean':
			return true;
		case 'options':
			return defaults[spec.name] ?? spec.values?.[0];
		case 'multiOptions':
			return spec.values?.slice(0, 1);
		case 'json':
			return '{"key":"value"}';
		case 'jsonList':
			// Spatial column defaults are arrays of coordinates; other JSON lists hold objects.
			return spec.name === 'xdefault' ? '[[1, 2], [3, 4]]' : '[{"key":"value"}]';
		case 'stringList':
			return 'id1, id2';
		case 'dateTime':
			return '2030-01-01T00:00:00.000+00:00';
		case 'binary':
			return 'data';
		case 'queries':
			return {
				conditions: [{ method: 'equal', attribute: 'name', valueType: 'string', value: 'Ann' }],
			};
		default:
			if (spec.name.endsWith('Id')) return `${spec.name.slice(0, -2)}-1`;
			// A value in a URL path is an ID or a key, which has no spaces.
			return spec.inPath ? `sample_${spec.name}` : `sample ${spec.name}`;
	}
}

/**
 * Node parameters for an action: every field it shows, with the value `valueFor` gives, optional
 * ones under Additional Fields. Selectors come first in the spec, so the fields a selector shows are
 * known by the time they are reached.
 */
export function fillParameters(
	spec: ActionSpec,
	base: Record<string, unknown>,
	valueFor: (param: ParamSpec, index: number) => unknown,
): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	const additionalFields: Record<string, unknown> = {};
	const parameters: Record<string, unknown> = { ...base, additionalFields };
	spec.params.forEach((param, index) => {
		if (param.showWhen && !param.showWhen.in.includes(String(values[param.showWhen.param]))) return;
		const value = valueFor(param, index);
		values[param.name] = value;
		if (param.location === 'top') parameters[param.name] = value;
		else additionalFields[param.name] = value;
	});
	return parameters;
}
