import { callerContext } from '#commons/authorization.ts';
import { createBatchForRequest } from '#commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { isGranted } from '#domain/authorization/permissions.ts';
import { batchControlsSchema } from '#domain/batch/batch-operation.ts';
import { NotFoundError } from '#domain/errors.ts';

/**
 * POST /v2/extensions/batch-operations/{batchOperationKey}/failed-items-retry: a new batch of the
 * same operation over exactly the items that failed in this (ended) batch. Needs BATCH READ as well as
 * the creation permission.
 */
export const handler = jsonApi(async (event) => {
  const key = batchKeyParameter(event);
  const controls = parseBody(batchControlsSchema.strict(), event.body);
  // Retrying reads the batch's items: without READ on it, it does not exist for the caller (as unknown).
  const readable = isGranted(callerContext(event).permissions, 'BATCH', 'READ', key);
  const found = readable ? await services().batches.getBatch(key) : undefined;
  if (!found) throw new NotFoundError(`Batch operation with key '${key}' not found`);
  return createBatchForRequest(event, found.batch.batchOperationType, { failedItemsOf: key }, controls);
});
