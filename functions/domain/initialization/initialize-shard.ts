import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import type { Engine } from '#ports/engine.ts';
import { FINAL_BATCH_STATES } from '../batch/batch-operation.ts';
import { type Chunk, chunked, pendingItem } from '../batch/chunk.ts';
import { failedItemKeys } from './item-provider/failed-item-keys.ts';
import type { BatchItemRef } from './item-provider/item-source.ts';
import { QueryFailedError } from './item-provider/matching-instance-keys.ts';
import { shardItems } from './item-provider/shard-items.ts';

/** Chunk records are written in groups of this many: one BatchWriteItem call (DynamoDB's limit is 25). */
const CHUNK_WRITE_GROUP = 25;

export interface InitializeShardDeps {
  /** Where the items come from. */
  engine: Pick<Engine, 'selectionSplit' | 'selectItems'>;
  batches: BatchStore;
  chunks: ChunkStore;
  chunkSize: number;
}

/**
 * Phase 2, Initialization of one shard: page through the shard's matching items (instances, or jobs
 * for a job operation), write their keys as chunk records, and fix the shard's totals. Streams: at most one page and one write group
 * are in memory. Safe to run again: a shard that finished initializing is left alone, and an
 * interrupted attempt's chunks are overwritten or dropped. A batch canceled meanwhile stops looking
 * for more items; the chunks written so far are accounted for as canceled by the workers.
 */
export async function initializeShard(
  deps: InitializeShardDeps,
  input: { batchOperationKey: string; shard: number },
) {
  const { batchOperationKey, shard } = input;
  const found = await deps.batches.getBatch(batchOperationKey);
  const shardRecord = found?.shards.find((candidate) => candidate.shard === shard);
  if (!found || !shardRecord || shardRecord.state !== 'INITIALIZING')
    return { batchOperationKey, shard, outcome: 'skipped' as const };
  const { batchOperationType } = found.batch;
  const stats = { queryRetries: 0 };
  try {
    const totals = FINAL_BATCH_STATES.includes(found.batch.state)
      ? { totalCount: 0, chunkCount: 0 }
      : await writeChunks(
          deps,
          input,
          found.batch.source
            ? failedItemKeys(deps.chunks, found.batch.source.failedItemsOf, shard)
            : shardItems(deps.engine, found.batch, { shard, shardCount: found.batch.shardCount }, stats),
        );
    await deps.chunks.finishShardInitialization(batchOperationKey, shard, totals);
    return { ...input, outcome: 'initialized' as const, batchOperationType, ...totals, ...stats };
  } catch (error) {
    if (!(error instanceof QueryFailedError)) throw error;
    await deps.chunks.failShard(batchOperationKey, shard, {
      partitionId: shard,
      type: 'QUERY_FAILED',
      message: error.message,
    });
    return { ...input, outcome: 'failed' as const, batchOperationType, ...stats };
  }
}

async function writeChunks(
  deps: InitializeShardDeps,
  { batchOperationKey, shard }: { batchOperationKey: string; shard: number },
  items: AsyncIterable<BatchItemRef>,
) {
  let totalCount = 0;
  let chunkCount = 0;
  let group: Chunk[] = [];
  for await (const chunkItems of chunked(items, deps.chunkSize)) {
    group.push({
      batchOperationKey,
      shard,
      chunk: chunkCount++,
      state: 'PENDING',
      items: chunkItems.map(pendingItem),
    });
    totalCount += chunkItems.length;
    if (group.length === CHUNK_WRITE_GROUP) {
      await deps.chunks.putChunks(group);
      group = [];
      if (await hasEnded(deps.batches, batchOperationKey)) return { totalCount, chunkCount };
    }
  }
  await deps.chunks.putChunks(group);
  return { totalCount, chunkCount };
}

async function hasEnded(batches: BatchStore, batchOperationKey: string): Promise<boolean> {
  const current = await batches.getBatch(batchOperationKey);
  return !current || FINAL_BATCH_STATES.includes(current.batch.state);
}
