import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi } from '#commons/http.ts';
import { readableByKey } from '#commons/key-parameter.ts';

/** GET /v2/incidents/{incidentKey}: one incident, open or resolved (404 outside the caller's READ_PROCESS_INSTANCE, as an unknown key). */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await readableByKey(event, 'incidentKey', 'Incident', 'READ_PROCESS_INSTANCE', (key) =>
      reads(event).getIncident(key),
    ),
  ),
);
