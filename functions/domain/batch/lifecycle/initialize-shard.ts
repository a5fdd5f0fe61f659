import type { BatchStore } from '../../../ports/batch-store.ts';
import type { ProcessInstanceStore } from '../../../ports/instance-store.ts';
import { matchesFilter } from '../../filter/evaluate-filter.ts';
import { parseProcessInstanceFilter } from '../../filter/parse-filter.ts';
import { planQuery } from '../../filter/plan-query.ts';
import { type Chunk, chunked, pendingItem } from '../chunk.ts';

/** Chunk records are written in groups of this many: one BatchWriteItem call (DynamoDB's limit is 25). */
const CHUNK_WRITE_GROUP = 25;

export interface InitializeShardDeps {
  batches: BatchStore;
  instances: ProcessInstanceStore;
  chunkSize: number;
  queryPageSize: number;
}

/**
 * Phase 2, Initialization of one shard: page through the shard's matching instances, write their
 * keys as chunk records, and fix the shard's totals. Streams: at most one page and one write group
 * are in memory. Safe to run again: a shard that finished initializing is left alone, and an
 * interrupted attempt's chunks are overwritten or dropped.
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

  const stats = { queryRetries: 0 };
  const matchingKeys = matchingInstanceKeys(deps, found.batch.filter, shard, stats);
  let totalCount = 0;
  let chunkCount = 0;
  let group: Chunk[] = [];
  try {
    for await (const keys of chunked(matchingKeys, deps.chunkSize)) {
      group.push({
        batchOperationKey,
        shard,
        chunk: chunkCount++,
        state: 'PENDING',
        items: keys.map(pendingItem),
      });
      totalCount += keys.length;
      if (group.length === CHUNK_WRITE_GROUP) {
        await deps.batches.putChunks(group);
        group = [];
      }
    }
    await deps.batches.putChunks(group);
  } catch (error) {
    if (!(error instanceof QueryFailedError)) throw error;
    await deps.batches.failShard(batchOperationKey, shard, {
      partitionId: shard,
      type: 'QUERY_FAILED',
      message: error.message,
    });
    return {
      batchOperationKey,
      shard,
      outcome: 'failed' as const,
      batchOperationType: found.batch.batchOperationType,
      queryRetries: stats.queryRetries,
    };
  }
  await deps.batches.finishShardInitialization(batchOperationKey, shard, { totalCount, chunkCount });
  return {
    batchOperationKey,
    shard,
    outcome: 'initialized' as const,
    batchOperationType: found.batch.batchOperationType,
    totalCount,
    chunkCount,
    queryRetries: stats.queryRetries,
  };
}

/** A failure of the instance query itself: fails the shard with QUERY_FAILED instead of the batch. */
export class QueryFailedError extends Error {}

/**
 * The keys of a shard's instances that match a batch's filter, in key order, page by page: the
 * planner picks the reads and the one evaluator decides. The dry run counts with it too.
 */
export async function* matchingInstanceKeys(
  deps: Pick<InitializeShardDeps, 'instances' | 'queryPageSize'>,
  filterJson: unknown,
  shard: number,
  stats: { queryRetries: number },
): AsyncGenerator<string> {
  const filter = parseProcessInstanceFilter(filterJson);
  const plan = planQuery(filter);
  let cursor: string | undefined;
  do {
    let page: Awaited<ReturnType<ProcessInstanceStore['queryShard']>>;
    try {
      page = await deps.instances.queryShard(plan, shard, { cursor, pageSize: deps.queryPageSize });
    } catch (error) {
      throw new QueryFailedError(
        `Querying shard ${shard} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    stats.queryRetries += page.retries;
    for (const instance of page.instances) {
      if (matchesFilter(filter, instance)) yield instance.processInstanceKey;
    }
    cursor = page.cursor;
  } while (cursor);
}
