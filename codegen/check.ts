/**
 * The generator's checks on their own (catalog:check, catalog:diff): resolving the catalog against
 * node-appwrite refuses, with a list of problems, whatever does not match its declarations. The
 * catalog's object kinds take part, as in generation: a picker-only parameter needs its pickers.
 */
import type { CatalogService } from './catalog';
import type { ObjectKind } from './objects';
import { loadObjects } from './objects';
import type { ResolvedNode } from './resolve';
import { resolveCatalog } from './resolve';
import type { SdkDeclarations } from './sdk';

export function checkCatalog(
	services: CatalogService[],
	sdk: SdkDeclarations,
	objects: ObjectKind[] = loadObjects(),
): ResolvedNode[] {
	return resolveCatalog(services, sdk, objects);
}
