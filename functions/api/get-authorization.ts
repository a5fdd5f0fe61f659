import { requirePermission } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { getAuthorization } from '#domain/authorization/manage-authorizations.ts';

/** GET /v2/authorizations/{authorizationKey} */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'authorizationKey');
  requirePermission(event, 'AUTHORIZATION', 'READ', key);
  return json(200, await getAuthorization(services().authorizations, key));
});
