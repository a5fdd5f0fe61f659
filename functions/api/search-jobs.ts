import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { jobSearchSchema, searchJobs } from '#domain/job/search-jobs.ts';

/** POST /v2/jobs/search: only the jobs of instances the caller may read, in the page and the total. */
export const handler = jsonApi(async (event) => {
  const { jobs, engineStore, instances } = services();
  return json(
    200,
    await searchJobs(
      { jobs, engine: engineStore, instances },
      parseBody(jobSearchSchema, event.body),
      visibleTo(event, 'READ_PROCESS_INSTANCE'),
    ),
  );
});
