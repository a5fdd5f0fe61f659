import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { now, services } from '#commons/services.ts';
import { activateJobs } from '#domain/job/activate-jobs.ts';
import { activateJobsRequestSchema } from '#wire/command-requests.ts';

/** POST /v2/jobs/activation: the jobs of definitions the caller may update (UPDATE_PROCESS_INSTANCE). */
export const handler = jsonApi(async (event) => {
  const { requestTimeout: _, ...request } = parseBody(activateJobsRequestSchema, event.body);
  const { engineStore: engine, instances } = services();
  return json(
    200,
    await activateJobs({ engine, instances, now }, request, visibleTo(event, 'UPDATE_PROCESS_INSTANCE')),
  );
});
