import type middy from '@middy/core';
import {
  type Caller,
  grantsOf,
  type InstanceScope,
  instanceScopeOf,
  isGranted,
  isInScope,
  isUnrestricted,
  ownersOf,
  type Permissions,
  type PermissionType,
  type ResourceType,
} from '#domain/authorization/permissions.ts';
import { ForbiddenError, NotFoundError } from '#domain/errors.ts';
import { type ApiRoute, apiRoutes } from '#resources/api-routes.ts';
import type { Config } from './config.ts';
import type { HttpEvent } from './http.ts';
import { ProblemError } from './problems.ts';
import { services } from './services.ts';

/** Camunda's tenant of data created without one. */
export const DEFAULT_TENANT = '<default>';

/** The challenge a 401 carries: both schemes the embedded run accepts (AWS: bearer only). */
export const WWW_AUTHENTICATE =
  'Basic realm="batch-operations", charset="UTF-8", Bearer realm="batch-operations"';

/** Who calls and what it may do, resolved once per request. */
export interface CallerContext {
  caller: Caller;
  permissions: Permissions;
  claims: Record<string, string | number | boolean | string[]>;
}

const contexts = new WeakMap<HttpEvent, CallerContext>();

/**
 * The verified claims of the request, where API Gateway's JWT authorizer puts them (the embedded
 * runtime's authenticator too), or undefined when nothing authenticated the request.
 */
function verifiedClaims(event: HttpEvent): Record<string, unknown> | undefined {
  const context = event.requestContext as {
    authorizer?: { jwt?: { claims?: Record<string, unknown> }; iam?: { userArn?: string } };
  };
  const { jwt, iam } = context.authorizer ?? {};
  // The report's function URL on AWS is IAM-authorized (no JWT there): the signing principal, whom
  // IAM already allowed to invoke it, is a client with every permission (docs/security.md).
  if (!jwt && iam?.userArn) return { sub: iam.userArn, client_id: iam.userArn, [IAM_PRINCIPAL]: true };
  return jwt?.claims;
}

/** Marks claims that come from an IAM signature rather than a token. */
const IAM_PRINCIPAL = 'batchops:iam';

/**
 * A claim's values as a list. API Gateway hands array claims over as one string, `[a b c]`; a token
 * verified in process keeps its arrays.
 */
export function claimValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const bracketed = /^\[(.*)\]$/s.exec(value);
  return bracketed ? bracketed[1].split(/[\s,]+/).filter((part) => part !== '') : [value];
}

/**
 * A claim that names one principal (a subject, a client id): one string, taken whole. A list, or a
 * string in API Gateway's list form (`[demo mallory]`), names no one: split, it would let a permissive
 * issuer's subject name an administrator.
 */
function identityClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && !/^\[.*\]$/s.test(value) ? value : undefined;
}

const listOf = (setting: string) =>
  setting
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** The caller the claims name, by the configured claim names (Camunda's rule: a client-id claim makes a client). */
export function callerOf(claims: Record<string, unknown>, config: Config): Caller {
  const clientId = identityClaim(claims[config.AUTH_CLIENT_ID_CLAIM]);
  const username = identityClaim(claims[config.AUTH_USERNAME_CLAIM]);
  const actorId = clientId ?? username;
  if (!actorId)
    throw new ProblemError(
      401,
      'UNAUTHORIZED',
      `The token names no caller: it has neither a '${config.AUTH_USERNAME_CLAIM}' nor a '${config.AUTH_CLIENT_ID_CLAIM}' claim`,
      { 'www-authenticate': WWW_AUTHENTICATE },
    );
  return {
    actorType: clientId ? 'CLIENT' : 'USER',
    actorId,
    groups: claimValues(claims[config.AUTH_GROUPS_CLAIM]),
    roles: claimValues(claims[config.AUTH_ROLES_CLAIM]),
  };
}

/**
 * What the caller may do: everything for a configured administrator (a user, group or role, as
 * Camunda 8 Run's demo user has the admin role), otherwise the union of the authorizations stored for
 * it and its groups and roles; its tenants from the tenants claim (the default tenant without one).
 */
export async function permissionsOf(
  caller: Caller,
  claims: Record<string, unknown>,
  config: Config,
): Promise<Permissions> {
  const admin =
    listOf(config.AUTH_ADMIN_USERS).includes(caller.actorId) ||
    caller.groups.some((group) => listOf(config.AUTH_ADMIN_GROUPS).includes(group)) ||
    caller.roles.some((role) => listOf(config.AUTH_ADMIN_ROLES).includes(role));
  if (admin || claims[IAM_PRINCIPAL] === true) return { all: true, grants: {}, tenants: ['*'] };
  const tenants = claimValues(claims[config.AUTH_TENANTS_CLAIM]);
  const authorizations = await services().authorizations.authorizationsOf(ownersOf(caller));
  return {
    all: false,
    grants: grantsOf(authorizations),
    tenants: tenants.length > 0 ? tenants : [DEFAULT_TENANT],
  };
}

/** The caller of a request that passed `authorization()`. */
export function callerContext(event: HttpEvent): CallerContext {
  const context = contexts.get(event);
  if (!context) throw new Error('No caller: the route was not wrapped in the authorization middleware');
  return context;
}

/** Camunda's refusal of an operation for want of a permission. */
export function forbidden(
  resourceType: ResourceType,
  permissions: readonly PermissionType[],
  resourceId?: string,
) {
  return new ForbiddenError(
    `Insufficient permissions to perform operation '${permissions.join("' or '")}' on resource '${resourceType}'${resourceId ? ` with id '${resourceId}'` : ''}`,
  );
}

/** Refuses (403) unless the caller holds the permission on the resource id. */
export function requirePermission(
  event: HttpEvent,
  resourceType: ResourceType,
  permission: PermissionType,
  resourceId?: string,
): void {
  if (!isGranted(callerContext(event).permissions, resourceType, permission, resourceId))
    throw forbidden(resourceType, [permission], resourceId);
}

/**
 * middy middleware: the route's access rule. A route that is not public needs verified claims (401
 * otherwise, with the challenge); the caller and its permissions are resolved once and kept for the
 * handler; a `permission` route refuses (403) a caller holding none of its permissions.
 */
export function authorization(fixedRoute?: ApiRoute): middy.MiddlewareObj<HttpEvent> {
  return {
    before: async ({ event }) => {
      const route =
        fixedRoute ?? apiRoutes.find(({ method, path }) => `${method} ${path}` === event.routeKey);
      if (route?.access.kind === 'public') return;
      const { config } = services();
      const claims = verifiedClaims(event);
      if (!claims)
        throw new ProblemError(
          401,
          'UNAUTHORIZED',
          'The request carries no verified credentials: send HTTP Basic credentials or a bearer token',
          { 'www-authenticate': WWW_AUTHENTICATE },
        );
      const caller = callerOf(claims, config);
      const permissions = await permissionsOf(caller, claims, config);
      contexts.set(event, { caller, permissions, claims: scalarClaims(claims) });
      const access = route?.access;
      if (
        access?.kind === 'permission' &&
        !access.permissionTypes.some((permission) => isGranted(permissions, access.resourceType, permission))
      )
        throw forbidden(access.resourceType, access.permissionTypes);
    },
  };
}

/** The claims as a batch stores them: scalar values and lists of strings. */
function scalarClaims(claims: Record<string, unknown>): CallerContext['claims'] {
  const stored: CallerContext['claims'] = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      stored[name] = value;
    else if (Array.isArray(value) && value.every((part) => typeof part === 'string')) stored[name] = value;
  }
  return stored;
}

/** The definition ids and tenants the caller may read or act on under the permission. */
export function scopeOf(event: HttpEvent, permission: PermissionType): InstanceScope {
  return instanceScopeOf(callerContext(event).permissions, permission);
}

/** Whether the caller may see a record of a process definition (its id and tenant) under the permission. */
export function visibleTo(
  event: HttpEvent,
  permission: PermissionType,
): (record: { processDefinitionId: string; tenantId: string }) => boolean {
  const scope = scopeOf(event, permission);
  return (record) => isInScope(scope, record);
}

/**
 * The record (an instance, a definition) if the caller may read it under the permission, else a 404
 * exactly as for an unknown key: what a caller may not read does not exist for it, so sequential keys
 * are no oracle (Camunda answers a read in another tenant so).
 */
export function requireReadable<T extends { processDefinitionId: string; tenantId: string }>(
  event: HttpEvent,
  permission: PermissionType,
  record: T | undefined,
  notFound: string,
): T {
  if (!record || !visibleTo(event, permission)(record)) throw new NotFoundError(notFound);
  return record;
}

/**
 * Refuses (403) a command on, or a read of, one instance (or definition) outside what the caller may
 * do under the permission: its process definition and its tenant.
 */
export function requireInScope(
  event: HttpEvent,
  permission: PermissionType,
  record: { processDefinitionId: string; tenantId: string } | undefined,
): void {
  if (record && !visibleTo(event, permission)(record))
    throw forbidden('PROCESS_DEFINITION', [permission], record.processDefinitionId);
}

/**
 * Refuses (403) a command on one record that `read` loads (an instance, a job) outside the caller's
 * scope under the permission (an unknown record passes, for the command's own 404). The record is read
 * only for a restricted caller: an unrestricted one's command is its write alone.
 */
export async function requireCommandInScope(
  event: HttpEvent,
  permission: PermissionType,
  read: () => Promise<{ processDefinitionId: string; tenantId: string } | undefined>,
): Promise<void> {
  if (isUnrestricted(instanceScopeOf(callerContext(event).permissions, permission))) return;
  requireInScope(event, permission, await read());
}

/** Refuses (403) a command on one job outside the caller's scope: Camunda asks UPDATE_PROCESS_INSTANCE on the job's process definition. */
export async function requireJobInScope(event: HttpEvent, jobKey: string): Promise<void> {
  await requireCommandInScope(event, 'UPDATE_PROCESS_INSTANCE', () => services().engineStore.getJob(jobKey));
}
