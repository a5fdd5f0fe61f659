import type { BatchStore, ChunkQueue } from '../../../ports/batch-store.ts';
import type { ChunkId } from '../chunk.ts';

/** Messages are sent in groups of this many: one SendMessageBatch call (the SQS limit). */
const DISPATCH_GROUP = 10;

/**
 * Phase 3 begins: every pending chunk of a shard goes to the queue. Only chunks not yet executed are
 * sent, so dispatching again (a retried step, a recovered batch) never repeats finished work.
 */
export async function dispatchChunks(
  deps: { batches: BatchStore; queue: ChunkQueue },
  input: { batchOperationKey: string; shard: number },
  redispatch?: string,
) {
  let group: ChunkId[] = [];
  let dispatched = 0;
  for await (const chunk of deps.batches.pendingChunks(input.batchOperationKey, input.shard)) {
    group.push(chunk);
    if (group.length === DISPATCH_GROUP) {
      await deps.queue.sendChunks(group, redispatch);
      dispatched += group.length;
      group = [];
    }
  }
  await deps.queue.sendChunks(group, redispatch);
  dispatched += group.length;
  return { ...input, dispatched };
}
