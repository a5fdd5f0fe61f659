import type { BatchStore } from '#ports/batch-store.ts';
import { NotFoundError } from '../errors.ts';
import { finishedBatch } from './complete-batch.ts';

/** A phase failed beyond its retries: the batch ends FAILED with the reason, never stuck ACTIVE. */
export async function failBatch(
  deps: { batches: BatchStore; now: () => Date },
  input: { batchOperationKey: string; error?: string; cause?: string },
) {
  const reason = [input.error, input.cause].filter(Boolean).join(': ') || 'The batch workflow failed';
  const found = await deps.batches.getBatch(input.batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation ${input.batchOperationKey} does not exist`);
  const endDate = deps.now().toISOString();
  const finished = await deps.batches.finishBatch(input.batchOperationKey, 'FAILED', endDate, reason);
  return finishedBatch(found.batch, finished ? 'FAILED' : found.batch.state, endDate, finished);
}
