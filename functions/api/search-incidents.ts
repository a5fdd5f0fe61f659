import { scopeOf } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { incidentSearchSchema } from '#domain/incident/search-incidents.ts';

/** POST /v2/incidents/search */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await reads(event).searchIncidents(
      parseBody(incidentSearchSchema, event.body),
      scopeOf(event, 'READ_PROCESS_INSTANCE'),
    ),
  ),
);
