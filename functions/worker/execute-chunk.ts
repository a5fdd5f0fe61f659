import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseChunkMessage } from '#adapters/sqs/chunk-queue.ts';
import { logger } from '#commons/logger.ts';
import { MetricName, recordMetrics } from '#commons/metrics.ts';
import { observed } from '#commons/observed.ts';
import { batchScheduler, engine, engineBudget, now, services } from '#commons/services.ts';
import { executeChunk } from '#domain/execution/execute-chunk.ts';
import { rateMeters } from '#domain/execution/rate-meter.ts';

// FIFO: once a message fails, the rest of the batch is reported failed too, so order is kept.
const processor = new SqsFifoPartialProcessorAsync();
/** Each shard's recent rate as this process measures it, across the chunks it runs. */
const meters = rateMeters();

const skipReasons = {
  duplicate: 'Chunk already recorded: redelivery ignored',
  'batch-suspended': 'Batch suspended: chunk left pending until resumption',
  'unknown-batch': 'Chunk of an unknown batch: dropped',
  abandoned: 'Out of time: chunk left pending, sent again by the watchdog or recovery',
  'engine-unavailable':
    "Engine unavailable: chunk held pending, sent again by the batch's poll after a back-off",
} as const;

/** One chunk: one log line and one set of metrics per chunk, never per item. */
async function recordHandler(record: SQSRecord, lambdaContext?: Context): Promise<void> {
  const { batches, chunks, config, audit } = services();
  const chunk = parseChunkMessage(record.body);
  const started = Date.now();
  const result = await executeChunk(
    {
      engine: engine(),
      batches,
      chunks,
      concurrency: config.WORKER_CONCURRENCY,
      now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      remainingTimeMs: lambdaContext && (() => lambdaContext.getRemainingTimeInMillis()),
      meters,
      budget: engineBudget(),
      windows: { scheduler: batchScheduler(), audit },
    },
    chunk,
  );
  const context = { ...chunk, receiveCount: record.attributes.ApproximateReceiveCount };
  if (result.status === 'canceled') {
    logger.info('Batch ended: unprocessed items of the chunk accounted for as CANCELED', {
      ...context,
      completed: result.completed,
    });
    return;
  }
  // Acknowledged rather than failed: an outage however long never uses up the chunk's deliveries.
  if (result.status === 'engine-unavailable') {
    logger.warn(skipReasons[result.status], { ...context, reason: result.reason });
    return;
  }
  if (result.status !== 'executed') {
    logger.info(skipReasons[result.status], context);
    if (result.status === 'duplicate')
      recordMetrics({}, [{ name: MetricName.DuplicateChunkDeliveries, unit: 'Count', value: 1 }]);
    return;
  }
  const durationMs = Date.now() - started;
  if (result.thresholdExceeded)
    logger.warn('Batch ended FAILED', { ...context, reason: result.thresholdExceeded });
  logger.info('Chunk executed', {
    ...context,
    batchOperationType: result.batchOperationType,
    completed: result.completed,
    failed: result.failed,
    durationMs,
  });
  const counts = [
    { name: MetricName.ItemsProcessed, unit: 'Count' as const, value: result.completed + result.failed },
    { name: MetricName.ItemsFailed, unit: 'Count' as const, value: result.failed },
  ];
  // Per operation type for the dashboard, and service-wide for the failed-item ratio alarm.
  recordMetrics({ OperationType: result.batchOperationType }, [
    ...counts,
    { name: MetricName.ChunkDuration, unit: 'Milliseconds', value: durationMs },
  ]);
  recordMetrics({}, counts);
  for (const [errorClass, failed] of Object.entries(result.failedByClass)) {
    recordMetrics({ OperationType: result.batchOperationType, ErrorClass: errorClass }, [
      { name: MetricName.ItemsFailed, unit: 'Count', value: failed },
    ]);
  }
}

/** The chunk worker: SQS FIFO event source with partial batch responses. */
export const handler = observed((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
);
