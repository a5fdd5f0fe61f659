import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { cancellationRequestSchema, selectionOf } from '../domain/batch/lifecycle/create-batch.ts';

/**
 * POST /v2/process-instances/cancellation: cancel every instance matching the filter, and (extension)
 * every instance listed in processInstanceKeys, as a batch; optionally (extension) with a reason and
 * skipCustomListeners, recorded on the batch and on every instance it cancels.
 */
export const handler = jsonApi((event) => {
  const { selection, rest } = selectionOf(parseBody(cancellationRequestSchema, event.body));
  const { reason, skipCustomListeners, ...controls } = rest;
  const cancellation = {
    ...(reason !== undefined ? { reason } : {}),
    ...(skipCustomListeners !== undefined ? { skipCustomListeners } : {}),
  };
  return createBatchForRequest(
    event,
    'CANCEL_PROCESS_INSTANCE',
    selection,
    controls,
    Object.keys(cancellation).length > 0 ? cancellation : undefined,
  );
});
