import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseChunkMessage } from '../adapters/sqs/chunk-queue.ts';
import { logger } from '../commons/logger.ts';
import { services } from '../commons/services.ts';
import { executeChunk } from '../domain/batch/lifecycle/execute-chunk.ts';

// FIFO: once a message fails, the rest of the batch is reported failed too, so order is kept.
const processor = new SqsFifoPartialProcessorAsync();

async function recordHandler(record: SQSRecord): Promise<void> {
  const { batches, instances, config } = services();
  const chunk = parseChunkMessage(record.body);
  const outcome = await executeChunk(
    { batches, instances, concurrency: config.WORKER_CONCURRENCY, now: () => new Date() },
    chunk,
  );
  logger.debug('Chunk processed', { ...chunk, outcome });
}

/** The chunk worker: SQS FIFO event source with partial batch responses. */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
