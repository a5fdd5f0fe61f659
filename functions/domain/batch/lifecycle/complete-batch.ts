import type { BatchStore } from '../../../ports/batch-store.ts';
import { NotFoundError } from '../../errors.ts';
import { finalStateOf } from '../batch-operation.ts';

/** Phase 4, Completion: the leader aggregates the shards into the batch's final state and end date. */
export async function completeBatch(
  deps: { batches: BatchStore; now: () => Date },
  input: { batchOperationKey: string },
) {
  const found = await deps.batches.getBatch(input.batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation ${input.batchOperationKey} does not exist`);
  const state = finalStateOf(found.shards);
  await deps.batches.finishBatch(input.batchOperationKey, state, deps.now().toISOString());
  return { batchOperationKey: input.batchOperationKey, state };
}

/** A phase failed beyond its retries: the batch ends FAILED with the reason, never stuck ACTIVE. */
export async function failBatch(
  deps: { batches: BatchStore; now: () => Date },
  input: { batchOperationKey: string; error?: string; cause?: string },
) {
  const reason = [input.error, input.cause].filter(Boolean).join(': ') || 'The batch workflow failed';
  await deps.batches.finishBatch(input.batchOperationKey, 'FAILED', deps.now().toISOString(), reason);
  return { batchOperationKey: input.batchOperationKey, state: 'FAILED' as const };
}
