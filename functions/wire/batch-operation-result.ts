import { DEFAULT_PRIORITY, progressOf, shardCompleted, shardFailed } from '#domain/batch/batch-operation.ts';
import { currentItemsPerSecond, estimatedEndDate, shardStateAsRead } from '#domain/batch/batch-view.ts';
import type { BatchWithShards } from '#ports/batch-store.ts';

/**
 * A batch as Camunda 8's BatchOperationResponse shows it: counts are the sum of its shards. `now` is
 * the time its rate and estimated end are read at.
 */
export function toBatchOperationResult({ batch, shards }: BatchWithShards, now: Date) {
  const progress = progressOf(shards);
  const errors = batch.failureReason
    ? [...progress.errors, { partitionId: -1, type: 'UNKNOWN' as const, message: batch.failureReason }]
    : progress.errors;
  return {
    batchOperationKey: batch.batchOperationKey,
    state: batch.state,
    batchOperationType: batch.batchOperationType,
    startDate: batch.startDate,
    // Camunda 8.9+ lists absent values as null.
    endDate: batch.endDate ?? null,
    // Camunda 8.9's actor: who created the batch (null on a batch from before authentication).
    actorType: batch.actorType ?? null,
    actorId: batch.actorId ?? null,
    operationsTotalCount: progress.operationsTotalCount,
    operationsFailedCount: progress.operationsFailedCount,
    operationsCompletedCount: progress.operationsCompletedCount,
    errors,
    // Extension: why items failed, aggregated (Camunda lists failures only item by item).
    itemErrorSummary: progress.itemErrorSummary,
    // Extension: the watchdog's mark while the batch makes no progress.
    ...(batch.stalledSince ? { stalledSince: batch.stalledSince } : {}),
    // Extension: why the batch waits (its engine out of reach: chunks held, sent again after a back-off).
    ...(batch.engineWait
      ? {
          waitingForEngine: {
            reason: batch.engineWait.reason,
            since: batch.engineWait.since,
            attempts: batch.engineWait.attempts,
          },
        }
      : {}),
    // Extension: each shard's progress (Camunda shows only the sums), for progress per shard.
    shards: shards.map((shard) => ({
      shard: shard.shard,
      state: shardStateAsRead(batch, shard),
      operationsTotalCount: shard.totalCount,
      operationsCompletedCount: shardCompleted(shard),
      operationsFailedCount: shardFailed(shard),
    })),
    // Extensions: a cancellation or suspension requested, in effect once the work in flight has drained.
    ...(batch.cancelRequestedAt ? { cancelRequestedAt: batch.cancelRequestedAt } : {}),
    ...(batch.suspendRequestedAt ? { suspendRequestedAt: batch.suspendRequestedAt } : {}),
    // Extension: the batch's rate limit, so that a client never shows a faster rate than it allows.
    ...(batch.itemsPerSecond ? { itemsPerSecond: batch.itemsPerSecond } : {}),
    // Extensions: how fast it goes now and when it ends at that pace (null once it has ended).
    currentItemsPerSecond: currentItemsPerSecond(batch, shards, now),
    estimatedEndDate: estimatedEndDate(batch, shards, now),
    // Extensions: its share of the engine's budget, its scheduled start and its maintenance windows.
    priority: batch.priority ?? DEFAULT_PRIORITY,
    scheduledFor: batch.state === 'CREATED' && batch.startAt ? batch.startAt : null,
    ...(batch.windows ? { windows: batch.windows } : {}),
    ...(batch.windowPausedAt ? { windowPausedAt: batch.windowPausedAt } : {}),
    ...(batch.failureThreshold ? { failureThreshold: batch.failureThreshold } : {}),
    // Extension: the operation's own request fields (e.g. a cancellation's reason, the retries to set).
    ...(batch.parameters ? { parameters: batch.parameters } : {}),
  };
}
