import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { foundByKey } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { toIncidentResult } from '#domain/incident/incident.ts';

/** GET /v2/incidents/{incidentKey}: one incident, open or resolved (403 outside the caller's READ_PROCESS_INSTANCE). */
export const handler = jsonApi(async (event) => {
  const incident = await foundByKey(event, 'incidentKey', 'Incident', (key) =>
    services().engine.getIncident(key),
  );
  requireInScope(event, 'READ_PROCESS_INSTANCE', incident);
  return json(200, toIncidentResult(incident));
});
