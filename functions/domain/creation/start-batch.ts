import type { BatchStore } from '#ports/batch-store.ts';
import { NotFoundError } from '../errors.ts';
import { shardIds } from '../keys.ts';

/** What the watchdog saw last: items finished (plus failed shards) and since when that number stood. */
export interface ProgressMark {
  done: number;
  since: string;
}

export interface BatchExecutionInput {
  batchOperationKey: string;
  shards: number[];
  pollSeconds: number;
  progress: ProgressMark;
  /**
   * The execution's dispatch round: 0 for the batch's first execution, the start time for a recovery
   * execution, whose messages must not be taken for duplicates of the first one's.
   */
  dispatchRound: number;
  /** The batch's suspension count when the execution last sent (or parked to send) its chunks. */
  suspensionsSeen: number;
}

/**
 * The first state of the execution: the batch becomes ACTIVE and learns its execution (the first one,
 * named after the batch key, or a recovery execution picking the batch up again).
 */
export async function startBatch(
  deps: { batches: BatchStore; pollSeconds: number; now: () => Date },
  input: { batchOperationKey: string; executionArn: string },
): Promise<BatchExecutionInput> {
  const found = await deps.batches.getBatch(input.batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation ${input.batchOperationKey} does not exist`);
  await deps.batches.activateBatch(input.batchOperationKey, input.executionArn);
  return {
    batchOperationKey: input.batchOperationKey,
    shards: shardIds(found.batch.shardCount),
    pollSeconds: deps.pollSeconds,
    progress: { done: -1, since: deps.now().toISOString() },
    // A recovery execution's messages must not be dropped as duplicates of the first execution's.
    dispatchRound: input.executionArn.endsWith(`:${input.batchOperationKey}`) ? 0 : deps.now().getTime(),
    suspensionsSeen: 0,
  };
}
