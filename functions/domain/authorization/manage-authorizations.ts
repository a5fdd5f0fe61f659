import { z } from 'zod';
import type { AuthorizationStore } from '#ports/authorization-store.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import { NotFoundError } from '../errors.ts';
import { searchPageSchema } from '../search-page.ts';
import { isDescending, PageSelection, type SortValue, sortSchema } from '../search-support.ts';
import {
  type Authorization,
  OWNER_TYPES,
  PERMISSION_TYPES,
  RESOURCE_TYPES,
  WILDCARD,
} from './permissions.ts';

/** Camunda's AuthorizationRequest (create): an owner, a resource (an id or `*`) and the permissions. */
export const authorizationRequestSchema = z
  .object({
    ownerId: z.string().min(1).max(256),
    ownerType: z.enum(OWNER_TYPES),
    resourceType: z.enum(RESOURCE_TYPES),
    resourceId: z.string().min(1).max(256),
    permissionTypes: z.array(z.enum(PERMISSION_TYPES)).min(1).max(PERMISSION_TYPES.length),
  })
  .strict();

const SORT_FIELDS = ['ownerId', 'ownerType', 'resourceId', 'resourceType'] as const;

/** Camunda's AuthorizationSearchQuery. */
export const authorizationSearchSchema = z
  .object({
    filter: z
      .object({
        ownerId: z.string().optional(),
        ownerType: z.enum(OWNER_TYPES).optional(),
        resourceType: z.enum(RESOURCE_TYPES).optional(),
        resourceIds: z.array(z.string()).optional(),
        // The name in Camunda's 8.9 zod schemas (the SDK says resourceIds): both are taken.
        resourceId: z.array(z.string()).optional(),
        resourcePropertyNames: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();

/** Camunda's AuthorizationResult: the property-based resource of user tasks does not exist here. */
export function toAuthorizationResult(authorization: Authorization) {
  return { ...authorization, resourcePropertyName: null };
}

export async function createAuthorization(
  deps: { authorizations: AuthorizationStore; keys: KeyGenerator },
  request: z.infer<typeof authorizationRequestSchema>,
): Promise<{ authorizationKey: string }> {
  const [authorizationKey] = await deps.keys.nextKeys(1);
  await deps.authorizations.putAuthorization({
    authorizationKey,
    ...request,
    permissionTypes: [...new Set(request.permissionTypes)],
  });
  return { authorizationKey };
}

export async function getAuthorization(authorizations: AuthorizationStore, authorizationKey: string) {
  const found = await authorizations.getAuthorization(authorizationKey);
  if (!found) throw new NotFoundError(`Authorization with key '${authorizationKey}' not found`);
  return toAuthorizationResult(found);
}

export async function deleteAuthorization(authorizations: AuthorizationStore, authorizationKey: string) {
  if (!(await authorizations.deleteAuthorization(authorizationKey)))
    throw new NotFoundError(`Authorization with key '${authorizationKey}' not found`);
}

/**
 * Camunda's authorization search over the caller's readable ones: `readable` is `*` or the resource
 * ids of AUTHORIZATION the caller may READ (none: an empty page, a total of 0).
 */
export async function searchAuthorizations(
  authorizations: AuthorizationStore,
  request: z.infer<typeof authorizationSearchSchema>,
  readable: '*' | string[],
) {
  const filter = request.filter ?? {};
  const sort = [...(request.sort ?? []), { field: 'authorizationKey' as const, order: 'ASC' as const }];
  const selection = new PageSelection<Authorization>(
    request.page,
    sort.map((entry) => isDescending(entry.order)),
  );
  if (readable === WILDCARD || readable.length > 0) {
    for await (const authorization of authorizations.listAuthorizations()) {
      if (readable !== WILDCARD && !readable.includes(authorization.authorizationKey)) continue;
      if (filter.ownerId !== undefined && authorization.ownerId !== filter.ownerId) continue;
      if (filter.ownerType !== undefined && authorization.ownerType !== filter.ownerType) continue;
      if (filter.resourceType !== undefined && authorization.resourceType !== filter.resourceType) continue;
      const resourceIds = filter.resourceIds ?? filter.resourceId;
      if (resourceIds !== undefined && !resourceIds.includes(authorization.resourceId)) continue;
      if (filter.resourcePropertyNames !== undefined) continue;
      selection.offer(
        sort.map(({ field }) => authorization[field] as SortValue),
        authorization,
      );
    }
  }
  const { values, page } = selection.result();
  return { items: values.map(toAuthorizationResult), page };
}
