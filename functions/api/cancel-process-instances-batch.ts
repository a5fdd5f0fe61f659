import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { filterBatchRequestSchema, selectionOf } from '../domain/batch/lifecycle/create-batch.ts';

/**
 * POST /v2/process-instances/cancellation: cancel every instance matching the filter, and (extension)
 * every instance listed in processInstanceKeys, as a batch.
 */
export const handler = jsonApi((event) => {
  const { selection, rest: controls } = selectionOf(parseBody(filterBatchRequestSchema, event.body));
  return createBatchForRequest(event, 'CANCEL_PROCESS_INSTANCE', selection, controls);
});
