import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { incidentSearchSchema, searchIncidents } from '#domain/incident/search-incidents.ts';

/** POST /v2/incidents/search */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await searchIncidents(
      services().engineStore,
      parseBody(incidentSearchSchema, event.body),
      visibleTo(event, 'READ_PROCESS_INSTANCE'),
    ),
  ),
);
