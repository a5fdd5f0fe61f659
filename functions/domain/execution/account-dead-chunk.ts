import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import type { Engine } from '#ports/engine.ts';
import type { ChunkId } from '../batch/chunk.ts';
import { accountUnprocessedChunk, type ChunkAccounting } from './account-unprocessed-chunk.ts';

/**
 * A chunk that failed on every delivery and reached the dead-letter queue: its pending items become
 * FAILED with the reason, so nothing sits in the DLQ unaccounted.
 */
export async function accountDeadChunk(
  deps: {
    batches: BatchStore;
    chunks: ChunkStore;
    engine: Pick<Engine, 'marksItems' | 'appliedBy'>;
    now: () => Date;
  },
  id: ChunkId,
  reason: string,
): Promise<ChunkAccounting> {
  const found = await deps.batches.getBatch(id.batchOperationKey);
  if (!found) return { status: 'unknown-chunk' };
  return accountUnprocessedChunk(deps, id, found.batch, {
    state: 'FAILED',
    errorMessage: reason,
  });
}
