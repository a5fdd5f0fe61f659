import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkSender } from '#ports/chunk-sender.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import type { ChunkId } from '../batch/chunk.ts';

/** Messages are sent in groups of this many: one SendMessageBatch call (the SQS limit). */
const DISPATCH_GROUP = 10;

/**
 * Phase 3 begins: every pending chunk of a shard goes to the queue. Only chunks not yet executed are
 * sent, so dispatching again (after a resumption, a retried step, a recovered batch) never repeats
 * finished work. A suspended batch sends nothing: its resumption starts the next round.
 *
 * The message id names the round (an execution's, and the batch's suspension count), so sending the
 * same round twice is dropped by the queue as a duplicate, while a later round's messages go through.
 */
export async function dispatchChunks(
  deps: { batches: BatchStore; chunks: ChunkStore; queue: ChunkSender },
  input: { batchOperationKey: string; shard: number; dispatchRound?: number },
  redispatch?: string,
) {
  const { batchOperationKey, shard } = input;
  const found = await deps.batches.getBatch(batchOperationKey);
  // Nothing is sent while suspended or a suspension is requested (the suspension's message ids stay
  // unused until it is resumed); a batch whose cancellation was requested is sent on, to be accounted for.
  const { state, suspendRequestedAt, cancelRequestedAt } = found?.batch ?? {};
  if (!found || ((state === 'SUSPENDED' || suspendRequestedAt) && !cancelRequestedAt))
    return { batchOperationKey, shard, dispatched: 0 };
  const round = redispatch ?? dispatchId(input.dispatchRound ?? 0, found.batch.suspensions ?? 0);
  let group: ChunkId[] = [];
  let dispatched = 0;
  for await (const chunk of deps.chunks.pendingChunks(batchOperationKey, shard)) {
    group.push(chunk);
    if (group.length === DISPATCH_GROUP) {
      await deps.queue.sendChunks(group, round);
      dispatched += group.length;
      group = [];
    }
  }
  await deps.queue.sendChunks(group, round);
  dispatched += group.length;
  return { batchOperationKey, shard, dispatched };
}

/** The first execution's first round has no id suffix, as before suspensions were counted. */
function dispatchId(dispatchRound: number, suspensions: number): string | undefined {
  const parts = [dispatchRound ? `round${dispatchRound}` : '', suspensions ? `s${suspensions}` : ''];
  return parts.filter(Boolean).join('.') || undefined;
}
