import { requireJobInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { knownKeyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { jobErrorSchema, throwJobError } from '#domain/job/throw-job-error.ts';

/** POST /v2/jobs/{jobKey}/error (204): a BPMN error, which no error event catches here (an incident). */
export const handler = jsonApi(async (event) => {
  const jobKey = knownKeyParameter(event, 'jobKey', 'Job');
  await requireJobInScope(event, jobKey);
  await throwJobError(engineDeps(), jobKey, parseBody(jobErrorSchema, event.body));
  return json(204);
});
