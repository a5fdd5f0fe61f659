import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import {
  authorizationRequestSchema,
  createAuthorization,
} from '#domain/authorization/manage-authorizations.ts';

/** POST /v2/authorizations: 201 with the new authorization's key. */
export const handler = jsonApi(async (event) => {
  const { authorizations, keys } = services();
  return json(
    201,
    await createAuthorization({ authorizations, keys }, parseBody(authorizationRequestSchema, event.body)),
  );
});
