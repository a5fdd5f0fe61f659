import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseChunkMessage } from '#adapters/sqs/chunk-queue.ts';
import { logger } from '#commons/logger.ts';
import { MetricName, recordMetrics } from '#commons/metrics.ts';
import { observed } from '#commons/observed.ts';
import { engine, services } from '#commons/services.ts';
import { accountDeadChunk } from '#domain/execution/account-dead-chunk.ts';
import { CHUNK_MAX_RECEIVE_COUNT } from '#resources/chunk-queue-settings.ts';

const processor = new SqsFifoPartialProcessorAsync();

async function recordHandler(record: SQSRecord): Promise<void> {
  const { batches, chunks } = services();
  const chunk = parseChunkMessage(record.body);
  const reason = `The chunk with this item failed on all ${CHUNK_MAX_RECEIVE_COUNT} deliveries and was moved to the dead-letter queue; the worker's logs for chunk ${chunk.chunk} of shard ${chunk.shard} say why`;
  const result = await accountDeadChunk(
    { batches, chunks, engine: engine(), now: () => new Date() },
    chunk,
    reason,
  );
  if (result.status !== 'accounted') {
    logger.info('Dead chunk needs no accounting', { ...chunk, status: result.status });
    return;
  }
  logger.error('Dead chunk accounted for: its pending items are FAILED', {
    ...chunk,
    completed: result.completed,
    failed: result.failed,
  });
  const metrics = [
    { name: MetricName.DeadLetteredChunks, unit: 'Count' as const, value: 1 },
    { name: MetricName.DeadLetteredItems, unit: 'Count' as const, value: result.failed },
  ];
  recordMetrics({ OperationType: result.batchOperationType }, metrics);
  recordMetrics({}, metrics);
}

/** The dead-letter queue's consumer: nothing sits in the DLQ unaccounted. */
export const handler = observed((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
);
