import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { filterBatchRequestSchema } from '../domain/batch/lifecycle/create-batch.ts';

/**
 * POST /v2/process-instances/incident-resolution: resolve every open incident of every instance
 * matching the filter, as a batch.
 */
export const handler = jsonApi((event) => {
  const { filter, ...controls } = parseBody(filterBatchRequestSchema, event.body);
  return createBatchForRequest(event, 'RESOLVE_INCIDENT', { filter }, controls);
});
