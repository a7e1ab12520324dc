export { normalizeEndpoint, createAppwriteClient } from './client';
export { testAppwriteCredential } from './credential-test';
export { toNodeError } from './errors';
export { executeActions } from './execute';
export type { ServiceClass } from './execute';
export { toJsonSafe } from './outputs';
export type * from './types';
export {
	attributePickerQueryBuilderOptions,
	columnPickerQueryBuilderOptions,
	columnQueryBuilderOptions,
	queryBuilderOptions,
} from './descriptions';
export { locatorModes } from './locators';
export { columnMethods } from './resource-mapper';
export { listSearchMethods } from './list-search';
export type { ListSource } from './list-search';
