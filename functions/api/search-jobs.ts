import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { jobSearchSchema, searchJobs } from '#domain/job/search-jobs.ts';

/** POST /v2/jobs/search */
export const handler = jsonApi(async (event) =>
  json(200, await searchJobs(services(), parseBody(jobSearchSchema, event.body))),
);
