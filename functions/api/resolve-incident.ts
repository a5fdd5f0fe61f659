import { requireCommandInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { resolveIncident } from '#domain/incident/resolve-incident.ts';
import { commandRequestSchema } from '#wire/command-requests.ts';

/** POST /v2/incidents/{incidentKey}/resolution (204); Camunda asks UPDATE_PROCESS_INSTANCE on the incident's definition. */
export const handler = jsonApi(async (event) => {
  const incidentKey = keyParameter(event, 'incidentKey');
  parseBody(commandRequestSchema, event.body);
  const deps = engineDeps();
  await requireCommandInScope(event, 'UPDATE_PROCESS_INSTANCE', () => deps.engine.getIncident(incidentKey));
  await resolveIncident(deps, incidentKey);
  return json(204);
});
