import { json, jsonApi } from '#commons/http.ts';
import { readableByKey } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { toIncidentResult } from '#domain/incident/incident.ts';

/** GET /v2/incidents/{incidentKey}: one incident, open or resolved (404 outside the caller's READ_PROCESS_INSTANCE, as an unknown key). */
export const handler = jsonApi(async (event) => {
  const incident = await readableByKey(event, 'incidentKey', 'Incident', 'READ_PROCESS_INSTANCE', (key) =>
    services().engineStore.getIncident(key),
  );
  return json(200, toIncidentResult(incident));
});
