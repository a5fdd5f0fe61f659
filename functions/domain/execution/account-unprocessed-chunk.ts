import type { ChunkStore } from '#ports/chunk-store.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import type { BatchOperationType } from '../batch/batch-operation.ts';
import {
  boundedErrorMessage,
  type Chunk,
  type ChunkId,
  errorMessageBudget,
  type ItemOutcome,
  tallyOf,
} from '../batch/chunk.ts';
import { mapWithConcurrency } from '../concurrency.ts';

/** Instance reads in flight while accounting for a chunk (one read per pending item). */
const ACCOUNTING_CONCURRENCY = 10;

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
 * COMPLETED (the instance, or a deleted one's tombstone, carries the batch's key), every other pending item takes the disposition.
 * Its shard can then finish and the batch reaches a final state. Exact because a shard's chunks run
 * one at a time (one FIFO message group per shard): no other delivery of this shard is in flight.
 */
export async function accountUnprocessedChunk(
  deps: { chunks: ChunkStore; instances: ProcessInstanceStore; now: () => Date },
  id: ChunkId,
  batchOperationType: BatchOperationType,
  disposition: Disposition,
  chunk?: Chunk,
): Promise<ChunkAccounting> {
  const found = chunk ?? (await deps.chunks.getChunk(id));
  if (!found) return { status: 'unknown-chunk' };
  if (found.state === 'DONE') return { status: 'already-recorded' };
  const processedDate = deps.now().toISOString();
  const unprocessed: Disposition = disposition.errorMessage
    ? {
        ...disposition,
        errorMessage: boundedErrorMessage(disposition.errorMessage, errorMessageBudget(found.items.length)),
      }
    : disposition;
  const outcomes = await mapWithConcurrency(
    found.items,
    ACCOUNTING_CONCURRENCY,
    async (item): Promise<ItemOutcome> => {
      if (item.state !== 'ACTIVE') return item;
      const instance = await deps.instances.getInstance(item.processInstanceKey);
      // An instance the batch deleted is gone; its tombstone still carries the batch's key.
      const marks = instance
        ? instance.batchOperationIds
        : (await deps.instances.getTombstone(item.processInstanceKey))?.batchOperationIds;
      return marks?.includes(id.batchOperationKey)
        ? { ...item, state: 'COMPLETED', processedDate }
        : { ...item, ...unprocessed, processedDate };
    },
  );
  const tally = tallyOf(outcomes);
  const recorded = await deps.chunks.completeChunk(id, outcomes, tally);
  if (!recorded) return { status: 'already-recorded' };
  return { status: 'accounted', batchOperationType, completed: tally.completed, failed: tally.failed };
}
