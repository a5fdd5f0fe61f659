import { json, jsonApi } from '#commons/http.ts';
import { foundByKey } from '#commons/key-parameter.ts';
import { now, services } from '#commons/services.ts';
import { toBatchOperationResult } from '#wire/batch-operation-result.ts';

/** GET /v2/batch-operations/{batchOperationKey} (an unknown key of any shape: 404) */
export const handler = jsonApi(async (event) => {
  const found = await foundByKey(event, 'batchOperationKey', 'Batch operation', (key) =>
    services().batches.getBatch(key),
  );
  return json(200, toBatchOperationResult(found, now()));
});
