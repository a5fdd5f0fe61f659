import { requireJobInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { updateJob } from '#domain/job/update-job.ts';
import { updateJobRequestSchema } from '#wire/command-requests.ts';

/** PATCH /v2/jobs/{jobKey} (204) */
export const handler = jsonApi(async (event) => {
  const jobKey = keyParameter(event, 'jobKey');
  await requireJobInScope(event, jobKey);
  await updateJob(engineDeps(), jobKey, parseBody(updateJobRequestSchema, event.body).changeset);
  return json(204);
});
