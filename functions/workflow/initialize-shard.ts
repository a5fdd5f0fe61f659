import { logger } from '#commons/logger.ts';
import { MetricName, recordMetrics } from '#commons/metrics.ts';
import { observed } from '#commons/observed.ts';
import { engine, services } from '#commons/services.ts';
import { initializeShard } from '#domain/initialization/initialize-shard.ts';
import { shardInput } from './shard-input.ts';

/** State "Initialize shard" (one Map iteration per shard). */
export const handler = observed(async (event: unknown) => {
  const { batches, chunks, config } = services();
  const request = shardInput.parse(event);
  logger.appendKeys(request);
  const started = Date.now();
  const result = await initializeShard(
    { engine: engine(), batches, chunks, chunkSize: config.CHUNK_SIZE },
    request,
  );
  if (result.outcome === 'skipped') return result;
  logger.appendKeys({ batchOperationType: result.batchOperationType });
  const queryRetries = { name: MetricName.QueryRetries, unit: 'Count' as const, value: result.queryRetries };
  if (result.outcome === 'failed') {
    logger.error('Shard initialization failed: QUERY_FAILED');
    recordMetrics({ OperationType: result.batchOperationType }, [
      { name: MetricName.ShardsFailed, unit: 'Count', value: 1 },
      queryRetries,
    ]);
    return result;
  }
  logger.info('Shard initialized', { totalCount: result.totalCount, chunkCount: result.chunkCount });
  recordMetrics({ OperationType: result.batchOperationType }, [
    { name: MetricName.InitializationDuration, unit: 'Milliseconds', value: Date.now() - started },
    { name: MetricName.ItemsFound, unit: 'Count', value: result.totalCount },
    queryRetries,
  ]);
  return result;
});
