import { callerContext } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import {
  authorizationSearchSchema,
  searchAuthorizations,
} from '#domain/authorization/manage-authorizations.ts';
import { resourceIdsFor } from '#domain/authorization/permissions.ts';

/** POST /v2/authorizations/search: only the authorizations the caller may read. */
export const handler = jsonApi(async (event) => {
  const readable = resourceIdsFor(callerContext(event).permissions, 'AUTHORIZATION', 'READ');
  return json(
    200,
    await searchAuthorizations(
      services().authorizations,
      parseBody(authorizationSearchSchema, event.body),
      readable,
    ),
  );
});
