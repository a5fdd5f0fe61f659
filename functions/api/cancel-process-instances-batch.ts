import { callerClaims, json, jsonApi, parseBody } from '../commons/http.ts';
import { logger } from '../commons/logger.ts';
import { MetricName, recordMetrics } from '../commons/metrics.ts';
import { services } from '../commons/services.ts';
import { createBatch, filterBatchRequestSchema } from '../domain/batch/lifecycle/create-batch.ts';

/** POST /v2/process-instances/cancellation: cancel every instance matching the filter, as a batch. */
export const handler = jsonApi(async (event) => {
  const { filter } = parseBody(filterBatchRequestSchema, event.body);
  const { batches, keys, workflow, config } = services();
  const created = await createBatch(
    { batches, keys, workflow, shardCount: config.SHARD_COUNT, now: () => new Date() },
    { batchOperationType: 'CANCEL_PROCESS_INSTANCE', filter, claims: callerClaims(event) },
  );
  logger.info('Batch created', created);
  recordMetrics({ OperationType: created.batchOperationType }, [
    { name: MetricName.BatchesCreated, unit: 'Count', value: 1 },
  ]);
  return json(200, created);
});
