import { z } from 'zod';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { engineDeps } from '#commons/services.ts';
import { completeJob } from '#domain/job/complete-job.ts';

const body = z
  .object({
    // Camunda 8.10 clients send null for no variables.
    variables: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((variables) => variables ?? undefined),
  })
  .strict();

/** POST /v2/jobs/{jobKey}/completion (204) */
export const handler = jsonApi(async (event) => {
  const jobKey = keyParameter(event, 'jobKey');
  await completeJob(engineDeps(), jobKey, parseBody(body, event.body));
  return json(204);
});
