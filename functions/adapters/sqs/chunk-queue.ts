import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type ChunkId, chunkSortKey } from '#domain/batch/chunk.ts';
import type { ChunkSender } from '#ports/chunk-sender.ts';

/** SendMessageBatch takes at most 10 messages per call (SQS API limit). */
export const SQS_SEND_BATCH_MAX = 10;

/** The message a worker receives: only the chunk's address, the chunk record holds the items. */
export interface ChunkMessage {
  batchOperationKey: string;
  shard: number;
  chunk: number;
}

/**
 * Sends chunk addresses to the FIFO queue. One message group per batch and shard: each shard has
 * exactly one chunk in flight and shards run in parallel. The deduplication id is the chunk's
 * address, so dispatching a chunk twice within SQS's 5-minute window delivers it once.
 */
export class SqsChunkQueue implements ChunkSender {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendChunks(chunks: readonly ChunkId[], redispatch?: string): Promise<void> {
    for (let start = 0; start < chunks.length; start += SQS_SEND_BATCH_MAX) {
      const entries = chunks.slice(start, start + SQS_SEND_BATCH_MAX).map((chunk, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify({
          batchOperationKey: chunk.batchOperationKey,
          shard: chunk.shard,
          chunk: chunk.chunk,
        } satisfies ChunkMessage),
        MessageGroupId: messageGroupOf(chunk),
        MessageDeduplicationId: [chunk.batchOperationKey, chunkSortKey(chunk.shard, chunk.chunk), redispatch]
          .filter(Boolean)
          .join('#'),
      }));
      const result = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const reasons = result.Failed.map((failure) => `${failure.Code}: ${failure.Message}`).join('; ');
        throw new Error(`SQS refused ${result.Failed.length} chunk messages: ${reasons}`);
      }
    }
  }
}

export function messageGroupOf(chunk: Pick<ChunkId, 'batchOperationKey' | 'shard'>): string {
  return `${chunk.batchOperationKey}#${chunk.shard}`;
}

export function parseChunkMessage(body: string): ChunkMessage {
  const message = JSON.parse(body) as Partial<ChunkMessage>;
  if (
    typeof message.batchOperationKey !== 'string' ||
    !Number.isInteger(message.shard) ||
    !Number.isInteger(message.chunk)
  ) {
    throw new Error(`Not a chunk message: ${body.slice(0, 200)}`);
  }
  return message as ChunkMessage;
}
