import { callerContext } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { now, services } from '#commons/services.ts';
import { isGranted } from '#domain/authorization/permissions.ts';
import { batchOperationSearchSchema, searchBatchOperations } from '#domain/batch/search-batch-operations.ts';
import { emptySearchResult } from '#domain/search-page.ts';

/** POST /v2/batch-operations/search */
export const handler = jsonApi(async (event) => {
  const request = parseBody(batchOperationSearchSchema, event.body);
  // Without BATCH READ nothing is readable: an empty page, a total of 0.
  if (!isGranted(callerContext(event).permissions, 'BATCH', 'READ')) return json(200, emptySearchResult());
  return json(200, await searchBatchOperations(services().batches, request, now()));
});
