import { callerContext } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { engine, services } from '#commons/services.ts';
import { isGranted } from '#domain/authorization/permissions.ts';
import { batchItemSearchSchema, searchBatchItems, withEngineIds } from '#domain/batch/search-batch-items.ts';
import { emptySearchResult } from '#domain/search-page.ts';

/** POST /v2/batch-operation-items/search */
export const handler = jsonApi(async (event) => {
  const request = parseBody(batchItemSearchSchema, event.body);
  // Without BATCH READ nothing is readable: an empty page, a total of 0.
  if (!isGranted(callerContext(event).permissions, 'BATCH', 'READ')) return json(200, emptySearchResult());
  return json(200, await withEngineIds(engine(), await searchBatchItems(services(), request)));
});
