import { BATCH_OPERATION_TYPES } from '../batch/batch-operation.ts';

/**
 * Camunda 8's authorization model, the part this service uses: an authorization grants an owner (a
 * user, a client, a group, a role) permission types on a resource type, for one resource id or all
 * (`*`). A caller's permissions are the union of what its owners are granted, plus its tenants.
 */
export const RESOURCE_TYPES = ['AUTHORIZATION', 'BATCH', 'PROCESS_DEFINITION', 'RESOURCE'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Camunda's owner types (OwnerTypeEnum) that a caller can be or belong to here. */
export const OWNER_TYPES = ['USER', 'CLIENT', 'GROUP', 'ROLE'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

/**
 * Camunda's permission types for the resources above (PermissionTypeEnum, 8.9), with a
 * `CREATE_BATCH_OPERATION_<TYPE>` for every type this service runs (Camunda's naming for its own).
 */
export const PERMISSION_TYPES = [
  'CREATE',
  'READ',
  'UPDATE',
  'DELETE',
  ...BATCH_OPERATION_TYPES.map((type) => `CREATE_BATCH_OPERATION_${type}` as const),
  'CREATE_PROCESS_INSTANCE',
  'READ_PROCESS_DEFINITION',
  'READ_PROCESS_INSTANCE',
  'UPDATE_PROCESS_INSTANCE',
  'MODIFY_PROCESS_INSTANCE',
  'CANCEL_PROCESS_INSTANCE',
  'DELETE_PROCESS_INSTANCE',
] as const;
export type PermissionType = (typeof PERMISSION_TYPES)[number];

/** Every resource id of the type. */
export const WILDCARD = '*';

/** A stored authorization, in Camunda's shape (AuthorizationResult). */
export interface Authorization {
  authorizationKey: string;
  ownerId: string;
  ownerType: OwnerType;
  resourceType: ResourceType;
  resourceId: string;
  permissionTypes: string[];
}

/** Who calls, as the authenticator identified it (Camunda 8.9's actor types for an audit). */
export interface Caller {
  actorType: 'USER' | 'CLIENT';
  actorId: string;
  groups: string[];
  roles: string[];
}

/**
 * What a caller may do: `all` for an administrator (every permission, every tenant), otherwise the
 * resource ids per `RESOURCE_TYPE:PERMISSION` and the tenants it is assigned to.
 */
export interface Permissions {
  all: boolean;
  grants: Record<string, string[]>;
  tenants: string[];
}

export const NO_PERMISSIONS: Permissions = { all: false, grants: {}, tenants: [] };

/** The owners a caller acts as: itself and its groups and roles. */
export function ownersOf(caller: Caller): { ownerType: OwnerType; ownerId: string }[] {
  return [
    { ownerType: caller.actorType, ownerId: caller.actorId },
    ...caller.groups.map((ownerId) => ({ ownerType: 'GROUP' as const, ownerId })),
    ...caller.roles.map((ownerId) => ({ ownerType: 'ROLE' as const, ownerId })),
  ];
}

/** The union of the authorizations' grants. */
export function grantsOf(authorizations: readonly Authorization[]): Record<string, string[]> {
  const grants: Record<string, Set<string>> = {};
  for (const { resourceType, resourceId, permissionTypes } of authorizations) {
    for (const permission of permissionTypes) {
      const name = `${resourceType}:${permission}`;
      grants[name] = (grants[name] ?? new Set()).add(resourceId);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([name, ids]) => [name, [...ids].sort()]));
}

/**
 * The resource ids of the type the caller holds the permission on: `*` for all of them (an
 * administrator, or a wildcard grant), otherwise the named ones (possibly none).
 */
export function resourceIdsFor(
  permissions: Permissions,
  resourceType: ResourceType,
  permission: PermissionType,
): '*' | string[] {
  if (permissions.all) return WILDCARD;
  const ids = permissions.grants[`${resourceType}:${permission}`] ?? [];
  return ids.includes(WILDCARD) ? WILDCARD : ids;
}

/** Whether the caller holds the permission on the resource id (or, without one, on any resource of the type). */
export function isGranted(
  permissions: Permissions,
  resourceType: ResourceType,
  permission: PermissionType,
  resourceId?: string,
): boolean {
  const ids = resourceIdsFor(permissions, resourceType, permission);
  if (ids === WILDCARD) return true;
  return resourceId === undefined ? ids.length > 0 : ids.includes(resourceId);
}

/** Whether the caller may see data of the tenant (an administrator: every tenant). */
export function isTenantAuthorized(permissions: Permissions, tenantId: string): boolean {
  return permissions.all || permissions.tenants.includes(WILDCARD) || permissions.tenants.includes(tenantId);
}

/**
 * What a caller may do to the instances of a process definition under one permission: the definition
 * ids (or `*`) and tenants (or `*`). Resolved once, when a batch is created, and stored with it.
 */
export interface InstanceScope {
  permission: PermissionType;
  processDefinitionIds: '*' | string[];
  tenantIds: '*' | string[];
}

export function instanceScopeOf(permissions: Permissions, permission: PermissionType): InstanceScope {
  return {
    permission,
    processDefinitionIds: resourceIdsFor(permissions, 'PROCESS_DEFINITION', permission),
    tenantIds: permissions.all || permissions.tenants.includes(WILDCARD) ? WILDCARD : permissions.tenants,
  };
}

/** Whether the scope covers every instance (nothing to check per item). */
export function isUnrestricted(scope: InstanceScope): boolean {
  return scope.processDefinitionIds === WILDCARD && scope.tenantIds === WILDCARD;
}

/** Whether an instance (its definition id and tenant) lies inside the scope. */
export function isInScope(
  scope: InstanceScope,
  instance: { processDefinitionId: string; tenantId: string },
): boolean {
  const inList = (ids: '*' | string[], id: string) => ids === WILDCARD || ids.includes(id);
  return (
    inList(scope.processDefinitionIds, instance.processDefinitionId) &&
    inList(scope.tenantIds, instance.tenantId)
  );
}
