import { createBatchForRequest } from '#commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { batchControlsSchema } from '#domain/batch/batch-operation.ts';
import { NotFoundError } from '#domain/errors.ts';

/**
 * POST /v2/extensions/batch-operations/{batchOperationKey}/failed-items-retry: a new batch of the
 * same operation over exactly the items that failed in this (ended) batch.
 */
export const handler = jsonApi(async (event) => {
  const key = batchKeyParameter(event);
  const controls = parseBody(batchControlsSchema.strict(), event.body);
  const found = await services().batches.getBatch(key);
  if (!found) throw new NotFoundError(`Batch operation with key '${key}' not found`);
  return createBatchForRequest(event, found.batch.batchOperationType, { failedItemsOf: key }, controls);
});
