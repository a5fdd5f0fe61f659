import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { resolveIncident } from '#domain/incident/resolve-incident.ts';
import { commandRequestSchema } from '#wire/command-requests.ts';

/** POST /v2/incidents/{incidentKey}/resolution (204) */
export const handler = jsonApi(async (event) => {
  const incidentKey = keyParameter(event, 'incidentKey');
  parseBody(commandRequestSchema, event.body);
  await resolveIncident(engineDeps(), incidentKey);
  return json(204);
});
