import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { filterBatchRequestSchema } from '../domain/batch/lifecycle/create-batch.ts';

/** POST /v2/process-instances/deletion: delete every finished instance matching the filter, as a batch. */
export const handler = jsonApi((event) => {
  const { filter, ...controls } = parseBody(filterBatchRequestSchema, event.body);
  return createBatchForRequest(event, 'DELETE_PROCESS_INSTANCE', { filter }, controls);
});
