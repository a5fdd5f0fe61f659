import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkSender } from '#ports/chunk-sender.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import {
  type BatchShard,
  type EngineWait,
  isShardFinished,
  isShardIdle,
  progressOf,
} from '../batch/batch-operation.ts';
import type { BatchExecutionInput } from '../creation/start-batch.ts';
import { NotFoundError } from '../errors.ts';
import type { QueryRetrySettings } from '../initialization/item-provider/query-retry-policy.ts';
import { dispatchChunks } from './dispatch-chunks.ts';

/** The poll backs off to this interval: a long batch costs few transitions, a short one ends soon. */
export const MAX_POLL_SECONDS = 60;

/**
 * The execution phase's poll: finished once every shard has finished its chunks (or failed), or the
 * batch left ACTIVE by other means. Reads one partition; cost does not depend on the item count.
 *
 * It is also the batch's watchdog: when the number of finished items has not moved for
 * `stallSeconds`, the batch is reported stalled and the pending chunks of its unfinished shards are
 * sent again. Chunk records, not queue messages, say what is left to do, so a lost message cannot
 * leave a batch stuck, and a chunk that was only slow is recognized as a duplicate when it arrives
 * twice. The clock then starts again, so a stalled batch is re-sent once per stall period.
 *
 * A suspension the execution did not park for (suspended and resumed or canceled between two polls,
 * or before the first dispatch) may have kept chunks from being sent or had the worker drop them: the
 * pending chunks are then sent again at once, under the suspension's own message id.
 */
export async function checkProgress(
  deps: {
    batches: BatchStore;
    chunks: ChunkStore;
    queue: ChunkSender;
    now: () => Date;
    stallSeconds: number;
    /** The back-off of chunks held for an engine outage (the query retry policy's delays, without its limit). */
    engineRetry: QueryRetrySettings;
  },
  input: BatchExecutionInput,
) {
  const found = await deps.batches.getBatch(input.batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation ${input.batchOperationKey} does not exist`);
  const { state, batchOperationType, cancelRequestedAt, failureRequested } = found.batch;
  // A batch being canceled (or failed by its failure threshold) runs until its chunks are accounted for.
  const finished =
    found.shards.every(isShardFinished) || state === 'COMPLETED' || state === 'PARTIALLY_COMPLETED';
  const now = deps.now();
  const done = doneCount(found.shards);
  const suspensions = found.batch.suspensions ?? 0;
  const ending = Boolean(cancelRequestedAt || failureRequested);
  if (!finished && !ending && state === 'ACTIVE' && found.batch.suspendRequestedAt) {
    // A suspension takes effect once no worker holds a chunk: SUSPENDED then means nothing runs.
    const drained = found.shards.every((shard) => isShardIdle(shard, now));
    if (!(drained && (await deps.batches.completeSuspension(input.batchOperationKey)))) {
      return {
        ...input,
        finished,
        suspended: false,
        stalled: false,
        engineRetried: false,
        redispatched: 0,
        batchOperationType,
      };
    }
  }
  const parks =
    state === 'SUSPENDED' || (state === 'ACTIVE' && !ending && Boolean(found.batch.suspendRequestedAt));
  if (!finished && !ending && parks) {
    // The execution now waits to be woken, then sends the pending chunks under this suspension's id.
    return {
      ...input,
      progress: { done, since: now.toISOString() },
      suspensionsSeen: suspensions,
      finished,
      suspended: true,
      stalled: false,
      engineRetried: false,
      redispatched: 0,
      batchOperationType,
    };
  }
  const moved = done !== input.progress.done;
  let progress = moved ? { done, since: now.toISOString() } : input.progress;
  const stalled = !finished && (now.getTime() - Date.parse(progress.since)) / 1000 >= deps.stallSeconds;
  // The batch shows since when it has been stuck, until it moves again.
  if (stalled && !found.batch.stalledSince)
    await deps.batches.reportStall(input.batchOperationKey, progress.since);
  if (moved && found.batch.stalledSince) await deps.batches.reportStall(input.batchOperationKey, undefined);
  const missedSuspension = !finished && suspensions > input.suspensionsSeen;
  const engineRetryDue =
    !finished && !ending && engineRetryIsDue(found.batch.engineWait, deps.engineRetry, now);
  let redispatched = 0;
  if (stalled || missedSuspension || engineRetryDue) {
    // A stall or a held chunk is re-sent under a fresh id; a missed suspension under its own (a repeat is dropped).
    const redispatch = stalled || engineRetryDue ? `r${now.getTime()}` : undefined;
    for (const shard of found.shards.filter((candidate) => !isShardFinished(candidate))) {
      const sent = await dispatchChunks(
        deps,
        {
          batchOperationKey: input.batchOperationKey,
          shard: shard.shard,
          dispatchRound: input.dispatchRound,
        },
        redispatch,
      );
      redispatched += sent.dispatched;
    }
  }
  if (stalled) progress = { done, since: now.toISOString() };
  if (engineRetryDue && found.batch.engineWait) {
    // Still waiting (visibly) until a chunk runs again; the next hold starts the next back-off.
    const { heldAt: _sent, ...wait } = found.batch.engineWait;
    await deps.batches.reportEngineWait(input.batchOperationKey, wait);
  }
  return {
    ...input,
    suspensionsSeen: suspensions,
    pollSeconds: Math.min(input.pollSeconds * 2, MAX_POLL_SECONDS),
    progress,
    finished,
    suspended: false,
    stalled,
    engineRetried: engineRetryDue,
    redispatched,
    batchOperationType,
  };
}

/**
 * Whether the chunks held for an engine outage are due to be sent again: the back-off after the
 * wait's `attempts`-th hold (initial delay × factor^(attempts − 1), capped) has passed since it.
 */
export function engineRetryIsDue(
  wait: EngineWait | undefined,
  settings: QueryRetrySettings,
  now: Date,
): boolean {
  if (!wait?.heldAt) return false;
  const delayMs = Math.min(
    settings.initialDelayMs * settings.backoffFactor ** Math.max(wait.attempts - 1, 0),
    settings.maxDelayMs,
  );
  return now.getTime() - Date.parse(wait.heldAt) >= delayMs;
}

/** Items finished plus shards past initialization: any movement here is progress. */
function doneCount(shards: readonly BatchShard[]): number {
  const counts = progressOf(shards);
  return (
    counts.operationsCompletedCount +
    counts.operationsFailedCount +
    shards.reduce((sum, shard) => sum + shard.chunksDone, 0) +
    shards.filter((shard) => shard.state !== 'INITIALIZING').length
  );
}
