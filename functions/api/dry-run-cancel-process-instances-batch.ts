import { json, jsonApi, parseBody } from '../commons/http.ts';
import { services } from '../commons/services.ts';
import { dryRunBatch } from '../domain/batch/dry-run-batch.ts';
import { filterBatchRequestSchema } from '../domain/batch/lifecycle/create-batch.ts';

/**
 * POST /v2/extensions/process-instances/cancellation/dry-run: the cancellation's creation request,
 * answered with the instances it would cancel per shard and a sample of their keys; creates nothing.
 */
export const handler = jsonApi(async (event) => {
  const { filter } = parseBody(filterBatchRequestSchema, event.body);
  const { instances, config } = services();
  return json(
    200,
    await dryRunBatch(
      { instances, shardCount: config.SHARD_COUNT, queryPageSize: config.QUERY_PAGE_SIZE },
      { batchOperationType: 'CANCEL_PROCESS_INSTANCE', filter },
    ),
  );
});
