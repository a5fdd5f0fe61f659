import { requireJobInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { completeJob } from '#domain/job/complete-job.ts';
import { checkVariablesSize } from '#domain/limits.ts';
import { completeJobRequestSchema } from '#wire/command-requests.ts';

/** POST /v2/jobs/{jobKey}/completion (204) */
export const handler = jsonApi(async (event) => {
  const jobKey = keyParameter(event, 'jobKey');
  await requireJobInScope(event, jobKey);
  const request = parseBody(completeJobRequestSchema, event.body);
  checkVariablesSize(request.variables);
  await completeJob(engineDeps(), jobKey, request);
  return json(204);
});
