import type { BatchStore } from '#ports/batch-store.ts';
import {
  type BatchOperation,
  type BatchOperationState,
  failureThresholdCrossed,
  finalStateOf,
} from '../batch/batch-operation.ts';
import { NotFoundError } from '../errors.ts';

/** What a final step did: `finished` is false when the batch had already left ACTIVE (nothing changed). */
export function finishedBatch(
  batch: BatchOperation,
  state: BatchOperationState,
  endDate: string,
  finished: boolean,
) {
  return {
    batchOperationKey: batch.batchOperationKey,
    batchOperationType: batch.batchOperationType,
    state,
    finished,
    durationMs: Date.parse(endDate) - Date.parse(batch.startDate),
  };
}

/**
 * Phase 4, Completion: the leader aggregates the shards into the batch's final state and end date. It
 * runs once every chunk is recorded, so the state, end date and counts written here are final. A batch
 * whose cancellation was requested ends CANCELED; one whose failure threshold was crossed ends FAILED.
 */
export async function completeBatch(
  deps: { batches: BatchStore; now: () => Date },
  input: { batchOperationKey: string },
) {
  const found = await deps.batches.getBatch(input.batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation ${input.batchOperationKey} does not exist`);
  const { cancelRequestedAt, failureThreshold } = found.batch;
  // The last chunk's worker may not have requested the failure yet: the final counts decide as well.
  const failure = found.batch.failureRequested ?? failureThresholdCrossed(failureThreshold, found.shards);
  const state = cancelRequestedAt ? 'CANCELED' : failure ? 'FAILED' : finalStateOf(found.shards);
  const endDate = deps.now().toISOString();
  const finished = await deps.batches.finishBatch(input.batchOperationKey, state, endDate, failure);
  return finishedBatch(found.batch, finished ? state : found.batch.state, endDate, finished);
}
