import {
  type BatchOperation,
  type BatchShard,
  FINAL_BATCH_STATES,
  isShardFinished,
  progressOf,
  shardCompleted,
  shardFailed,
} from './batch-operation.ts';

/**
 * A shard's state as a reader sees it: the stored one while it works, a final one once it has ended.
 * A shard records only INITIALIZING, EXECUTING and FAILED (its counters say when it is done), so a
 * finished shard would read EXECUTING forever; here it reads COMPLETED when every item of it was
 * processed, CANCELED when its batch ended before that, FAILED when the shard failed.
 */
export const SHARD_READ_STATES = ['INITIALIZING', 'EXECUTING', 'COMPLETED', 'CANCELED', 'FAILED'] as const;
export type ShardReadState = (typeof SHARD_READ_STATES)[number];

export function shardStateAsRead(batch: BatchOperation, shard: BatchShard): ShardReadState {
  if (shard.state === 'FAILED') return 'FAILED';
  const allProcessed =
    shard.state !== 'INITIALIZING' && shardCompleted(shard) + shardFailed(shard) >= shard.totalCount;
  if (FINAL_BATCH_STATES.includes(batch.state)) return allProcessed ? 'COMPLETED' : 'CANCELED';
  return isShardFinished(shard) && allProcessed ? 'COMPLETED' : shard.state;
}

/**
 * A worker's measured rate older than this no longer counts: its shard has stopped (finished, paused,
 * or its worker is gone). Workers report about every second while they run (CHECK_EVERY_MS).
 */
export const RATE_STALE_MS = 10_000;

/**
 * The batch's recent rate, items finished per second: the sum of what its shards' workers measured
 * over their last few seconds. Null once the batch has ended or while it cannot run (created,
 * suspended), 0 while it runs and nothing moved lately.
 */
export function currentItemsPerSecond(
  batch: BatchOperation,
  shards: readonly BatchShard[],
  now: Date,
): number | null {
  if (batch.state !== 'ACTIVE') return null;
  const rate = shards.reduce((sum, { recentRate }) => {
    const fresh = recentRate && now.getTime() - Date.parse(recentRate.at) <= RATE_STALE_MS;
    return sum + (fresh ? recentRate.itemsPerSecond : 0);
  }, 0);
  // Two decimals: a rate is read by people and compared by tests, not summed further.
  return Math.round(rate * 100) / 100;
}

/**
 * When the batch ends at its current rate: null once it has ended, while its size is still being
 * found (a shard initializing) or while nothing moves.
 */
export function estimatedEndDate(
  batch: BatchOperation,
  shards: readonly BatchShard[],
  now: Date,
): string | null {
  const rate = currentItemsPerSecond(batch, shards, now);
  if (!rate || shards.some((shard) => shard.state === 'INITIALIZING')) return null;
  const progress = progressOf(shards);
  const left =
    progress.operationsTotalCount - progress.operationsCompletedCount - progress.operationsFailedCount;
  return new Date(now.getTime() + Math.ceil((Math.max(0, left) / rate) * 1000)).toISOString();
}
