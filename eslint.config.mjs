import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

export default [
	...configWithoutCloudSupport,
	// n8n's rules are for the code that ships to n8n; the generator, tests and build script do not ship.
	{ ignores: ['codegen/**', 'tests/**', 'scripts/**', '.tmp/**', 'vitest.config.mts'] },
	// n8n's config applies its node rules to ./nodes; the generated nodes live in ./generated/nodes.
	{
		files: ['generated/nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	// node-appwrite is a runtime dependency by design: this is a self-hosted community package.
	{ files: ['package.json'], rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' } },
];
