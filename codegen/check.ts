/**
 * The generator's checks on their own (catalog:check, catalog:diff): resolving the catalog against
 * node-appwrite refuses, with a list of problems, whatever does not match its declarations.
 */
export { resolveCatalog as checkCatalog } from './resolve';
