import { requirePermission } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { deleteAuthorization } from '#domain/authorization/manage-authorizations.ts';

/** DELETE /v2/authorizations/{authorizationKey}: 204; 404 for an unknown key. */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'authorizationKey');
  requirePermission(event, 'AUTHORIZATION', 'DELETE', key);
  await deleteAuthorization(services().authorizations, key);
  return json(204);
});
