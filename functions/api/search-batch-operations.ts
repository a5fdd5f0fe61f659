import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { batchOperationSearchSchema, searchBatchOperations } from '#domain/batch/search-batch-operations.ts';

/** POST /v2/batch-operations/search */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await searchBatchOperations(services().batches, parseBody(batchOperationSearchSchema, event.body)),
  ),
);
