import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { NotFoundError } from '#domain/errors.ts';
import { toBatchOperationResult } from '#wire/batch-operation-result.ts';

/** GET /v2/batch-operations/{batchOperationKey} */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'batchOperationKey');
  const found = await services().batches.getBatch(key);
  if (!found) throw new NotFoundError(`Batch operation with key '${key}' not found`);
  return json(200, toBatchOperationResult(found));
});
