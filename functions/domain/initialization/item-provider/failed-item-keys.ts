import type { ChunkStore } from '#ports/chunk-store.ts';
import type { BatchItemRef } from './item-source.ts';

/**
 * A retry's items: the keys of the items that FAILED in one shard of an earlier batch, read from its
 * chunk records in order, one chunk at a time.
 */
export async function* failedItemKeys(
  chunks: ChunkStore,
  sourceBatchOperationKey: string,
  shard: number,
): AsyncGenerator<BatchItemRef> {
  const startAt = { batchOperationKey: sourceBatchOperationKey, shard, chunk: 0 };
  for await (const chunk of chunks.read({ batchOperationKey: sourceBatchOperationKey, startAt })) {
    if (chunk.shard !== shard) return;
    for (const item of chunk.items) {
      if (item.state === 'FAILED')
        yield { itemKey: item.itemKey, processInstanceKey: item.processInstanceKey };
    }
  }
}
