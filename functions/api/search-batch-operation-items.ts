import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { batchItemSearchSchema, searchBatchItems } from '#domain/batch/search-batch-items.ts';

/** POST /v2/batch-operation-items/search */
export const handler = jsonApi(async (event) =>
  json(200, await searchBatchItems(services(), parseBody(batchItemSearchSchema, event.body))),
);
