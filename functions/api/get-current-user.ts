import { callerContext, claimValues, DEFAULT_TENANT } from '#commons/authorization.ts';
import { type HttpEvent, json, jsonApi } from '#commons/http.ts';
import { services } from '#commons/services.ts';

/**
 * GET /v2/authentication/me: who the credentials name (Camunda's CamundaUserResult): the user or
 * client id, its groups and roles from the token (Basic: none), its tenants from the tenants claim
 * (the default tenant without one). Components are not authorized one by one here: the console is
 * open to every caller and shows only what its permissions let it read, hence `*`. Credentials are
 * sent with every request, so there is no session to log out of.
 */
function currentUserOf(event: HttpEvent) {
  const { caller, claims } = callerContext(event);
  const tenants = claimValues(claims[services().config.AUTH_TENANTS_CLAIM]);
  return {
    username: caller.actorId,
    displayName: caller.actorId,
    email: null,
    authorizedComponents: ['*'],
    tenants: (tenants.length > 0 ? tenants : [DEFAULT_TENANT]).map((tenantId) => ({
      tenantId,
      name: tenantId === DEFAULT_TENANT ? 'Default' : tenantId,
      description: null,
    })),
    groups: caller.groups,
    roles: caller.roles,
    salesPlanType: null,
    c8Links: {},
    canLogout: false,
  };
}

export const handler = jsonApi(async (event) => json(200, currentUserOf(event)));
