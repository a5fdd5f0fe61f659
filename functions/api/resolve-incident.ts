import { z } from 'zod';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { resolveIncident } from '#domain/incident/resolve-incident.ts';

// Camunda accepts an optional operationReference to correlate the command; nothing here reads it back.
const body = z.object({ operationReference: z.number().int().optional() }).strict();

/** POST /v2/incidents/{incidentKey}/resolution (204) */
export const handler = jsonApi(async (event) => {
  const incidentKey = keyParameter(event, 'incidentKey');
  parseBody(body, event.body);
  await resolveIncident(engineDeps(), incidentKey);
  return json(204);
});
