import type { ChunkStore } from '#ports/chunk-store.ts';
import type { Engine, EngineBatch } from '#ports/engine.ts';
import type { BatchOperationType } from '../batch/batch-operation.ts';
import {
  boundedErrorMessage,
  type Chunk,
  type ChunkId,
  errorMessageBudget,
  type ItemOutcome,
  tallyOf,
} from '../batch/chunk.ts';

/** What becomes of a chunk's items that will never be processed, and why. */
export interface Disposition {
  state: 'FAILED' | 'CANCELED';
  errorMessage?: string;
}

export type ChunkAccounting =
  | { status: 'accounted'; batchOperationType: BatchOperationType; completed: number; failed: number }
  | { status: 'already-recorded' | 'unknown-chunk' };

/**
 * A chunk whose items will not be processed (it failed on every delivery, or its batch was canceled)
 * is recorded like any other instead of being lost: each item the batch did change before counts as
 * COMPLETED, every other pending item takes the disposition. Whether the batch changed an item is the
 * engine's answer (`appliedBy`: for the built-in engine, the record the operation marks, the job of a
 * job item or the instance, or a deleted one's tombstone, carries the batch's key), the same answer a
 * redelivered chunk acts on; of an engine that cannot mark, only items recorded as sent are asked.
 * Its shard can then finish and the batch reaches a final state. Exact because a shard's chunks run
 * one at a time (one FIFO message group per shard): no other delivery of this shard is in flight.
 */
export async function accountUnprocessedChunk(
  deps: { chunks: ChunkStore; engine: Pick<Engine, 'marksItems' | 'appliedBy'>; now: () => Date },
  id: ChunkId,
  batch: EngineBatch,
  disposition: Disposition,
  chunk?: Chunk,
): Promise<ChunkAccounting> {
  const found = chunk ?? (await deps.chunks.getChunk(id));
  if (!found) return { status: 'unknown-chunk' };
  if (found.state === 'DONE') return { status: 'already-recorded' };
  // Items a delivery applied before it was held keep their dates (holdChunk); one that died took its
  // dates with it, and when an item was found applied is the best time known of it.
  const processedDate = deps.now().toISOString();
  const unprocessed: Disposition = disposition.errorMessage
    ? {
        ...disposition,
        errorMessage: boundedErrorMessage(disposition.errorMessage, errorMessageBudget(found.items.length)),
      }
    : disposition;
  const sent = new Set(found.sentItemKeys);
  const asked = found.items.filter(
    (item) => item.state === 'ACTIVE' && (deps.engine.marksItems || sent.has(item.itemKey)),
  );
  const answers = asked.length > 0 ? await deps.engine.appliedBy(batch, asked) : [];
  const applied = new Set(asked.filter((_, index) => answers[index]).map((item) => item.itemKey));
  const outcomes = found.items.map((item): ItemOutcome => {
    if (item.state !== 'ACTIVE') return item;
    return applied.has(item.itemKey)
      ? { ...item, state: 'COMPLETED', processedDate }
      : { ...item, ...unprocessed, processedDate };
  });
  const tally = tallyOf(outcomes);
  const recorded = await deps.chunks.completeChunk(id, outcomes, tally);
  if (!recorded) return { status: 'already-recorded' };
  return {
    status: 'accounted',
    batchOperationType: batch.batchOperationType,
    completed: tally.completed,
    failed: tally.failed,
  };
}
