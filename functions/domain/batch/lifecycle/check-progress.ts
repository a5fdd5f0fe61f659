import type { BatchStore } from '../../../ports/batch-store.ts';
import { NotFoundError } from '../../errors.ts';
import { FINAL_BATCH_STATES, isShardFinished } from '../batch-operation.ts';
import type { BatchExecutionInput } from './start-batch.ts';

/** The poll backs off to this interval: a long batch costs few transitions, a short one ends soon. */
export const MAX_POLL_SECONDS = 60;

/**
 * The execution phase's poll: finished once every shard has finished its chunks (or failed), or the
 * batch left ACTIVE by other means. Reads one partition; cost does not depend on the item count.
 */
export async function checkProgress(deps: { batches: BatchStore }, input: BatchExecutionInput) {
  const found = await deps.batches.getBatch(input.batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation ${input.batchOperationKey} does not exist`);
  const finished = FINAL_BATCH_STATES.includes(found.batch.state) || found.shards.every(isShardFinished);
  return { ...input, pollSeconds: Math.min(input.pollSeconds * 2, MAX_POLL_SECONDS), finished };
}
