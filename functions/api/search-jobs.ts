import { scopeOf } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { jobSearchSchema } from '#domain/job/search-jobs.ts';

/** POST /v2/jobs/search: only the jobs of instances the caller may read, in the page and the total. */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await reads(event).searchJobs(
      parseBody(jobSearchSchema, event.body),
      scopeOf(event, 'READ_PROCESS_INSTANCE'),
    ),
  ),
);
