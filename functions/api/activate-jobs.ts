import { z } from 'zod';
import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { now, services } from '#commons/services.ts';
import { activateJobs } from '#domain/job/activate-jobs.ts';

const body = z
  .object({
    type: z.string().min(1),
    maxJobsToActivate: z.number().int().min(1),
    timeout: z.number().int().min(1),
    worker: z.string().optional(),
    fetchVariable: z.array(z.string()).optional(),
    // Camunda long-polls for up to this long when no job is there; this service answers at once.
    requestTimeout: z.number().int().optional(),
    tenantIds: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** POST /v2/jobs/activation: the jobs of definitions the caller may update (UPDATE_PROCESS_INSTANCE). */
export const handler = jsonApi(async (event) => {
  const { requestTimeout: _, ...request } = parseBody(body, event.body);
  const { engineStore: engine, instances } = services();
  return json(
    200,
    await activateJobs({ engine, instances, now }, request, visibleTo(event, 'UPDATE_PROCESS_INSTANCE')),
  );
});
