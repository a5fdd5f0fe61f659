import type { BatchStore } from '../../../ports/batch-store.ts';
import type { ProcessInstanceStore } from '../../../ports/instance-store.ts';
import { type ChunkId, type ItemOutcome, tallyOf } from '../chunk.ts';
import { mapWithConcurrency } from './execute-chunk.ts';

/** Instance reads in flight while accounting for a dead chunk (a rare path: one read per pending item). */
const ACCOUNTING_CONCURRENCY = 10;

export type DeadChunkAccounting =
  | { status: 'accounted'; batchOperationType: string; completed: number; failed: number }
  | { status: 'already-recorded' | 'unknown-chunk' };

/**
 * A chunk that failed on every delivery and reached the dead-letter queue is accounted for instead of
 * lost: each item the batch did change before the failures counts as COMPLETED, every other pending
 * item becomes FAILED with the reason, and the chunk is recorded once like any other. Its shard can
 * then finish and the batch reaches a final state.
 */
export async function accountDeadChunk(
  deps: { batches: BatchStore; instances: ProcessInstanceStore; now: () => Date },
  id: ChunkId,
  reason: string,
): Promise<DeadChunkAccounting> {
  const [found, chunk] = await Promise.all([
    deps.batches.getBatch(id.batchOperationKey),
    deps.batches.getChunk(id),
  ]);
  if (!found || !chunk) return { status: 'unknown-chunk' };
  if (chunk.state === 'DONE') return { status: 'already-recorded' };
  const processedDate = deps.now().toISOString();
  const outcomes = await mapWithConcurrency(
    chunk.items,
    ACCOUNTING_CONCURRENCY,
    async (item): Promise<ItemOutcome> => {
      if (item.state !== 'ACTIVE') return item;
      const instance = await deps.instances.getInstance(item.processInstanceKey);
      return instance?.batchOperationIds.includes(id.batchOperationKey)
        ? { ...item, state: 'COMPLETED', processedDate }
        : { ...item, state: 'FAILED', processedDate, errorMessage: reason };
    },
  );
  const tally = tallyOf(outcomes);
  const recorded = await deps.batches.completeChunk(id, outcomes, tally);
  if (!recorded) return { status: 'already-recorded' };
  return { status: 'accounted', batchOperationType: found.batch.batchOperationType, ...tally };
}
