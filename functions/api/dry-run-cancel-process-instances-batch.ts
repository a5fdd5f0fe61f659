import { json, jsonApi, parseBody } from '../commons/http.ts';
import { itemProvider, services } from '../commons/services.ts';
import { dryRunBatch } from '../domain/batch/dry-run-batch.ts';
import { cancellationRequestSchema, selectionOf } from '../domain/batch/lifecycle/create-batch.ts';

/**
 * POST /v2/extensions/process-instances/cancellation/dry-run: the cancellation's creation request,
 * answered with the instances it would cancel per shard and a sample of their keys; creates nothing.
 */
export const handler = jsonApi(async (event) => {
  const { selection } = selectionOf(parseBody(cancellationRequestSchema, event.body));
  return json(
    200,
    await dryRunBatch(
      { ...itemProvider(), shardCount: services().config.SHARD_COUNT },
      { batchOperationType: 'CANCEL_PROCESS_INSTANCE', ...selection },
    ),
  );
});
