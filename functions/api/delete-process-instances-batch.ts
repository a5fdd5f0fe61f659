import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { filterBatchRequestSchema, splitOperationRequest } from '../domain/batch/lifecycle/create-batch.ts';

/**
 * POST /v2/process-instances/deletion: delete every finished instance matching the filter (and,
 * extension, every instance in processInstanceKeys), as a batch.
 */
export const handler = jsonApi((event) => {
  const { selection, controls } = splitOperationRequest(parseBody(filterBatchRequestSchema, event.body));
  return createBatchForRequest(event, 'DELETE_PROCESS_INSTANCE', selection, controls);
});
