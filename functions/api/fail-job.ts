import { requireJobInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { failJob } from '#domain/job/fail-job.ts';
import { checkVariablesSize } from '#domain/limits.ts';
import { failJobRequestSchema } from '#wire/command-requests.ts';

/** POST /v2/jobs/{jobKey}/failure (204) */
export const handler = jsonApi(async (event) => {
  const jobKey = keyParameter(event, 'jobKey');
  await requireJobInScope(event, jobKey);
  const request = parseBody(failJobRequestSchema, event.body);
  checkVariablesSize(request.variables);
  await failJob(engineDeps(), jobKey, request);
  return json(204);
});
