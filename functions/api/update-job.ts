import { z } from 'zod';
import { requireJobInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { jobChangesetSchema, updateJob } from '#domain/job/update-job.ts';

const body = z
  .object({
    changeset: jobChangesetSchema,
    // Camunda accepts it to correlate the command; nothing here reads it back.
    operationReference: z.number().int().optional(),
  })
  .strict();

/** PATCH /v2/jobs/{jobKey} (204) */
export const handler = jsonApi(async (event) => {
  const jobKey = keyParameter(event, 'jobKey');
  await requireJobInScope(event, jobKey);
  await updateJob(engineDeps(), jobKey, parseBody(body, event.body).changeset);
  return json(204);
});
