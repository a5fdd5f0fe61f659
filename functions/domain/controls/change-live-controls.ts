import type { BatchStore } from '#ports/batch-store.ts';
import type { LiveControls } from '../batch/batch-operation.ts';
import { rateProblem } from '../creation/rate-limit.ts';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../errors.ts';

/**
 * A live change of a batch that has not ended: its rate limit, its priority in the engine's budget,
 * its failure threshold, without suspending it. The workers read the batch about every second, so a
 * new rate or threshold applies from their next group of items (and shows in the measured rate within
 * seconds); a new priority from the next lease of the budget. A rate the workers could not keep within
 * their time is refused as at creation.
 */
export async function changeLiveControls(
  deps: { batches: BatchStore; chunkSize: number },
  batchOperationKey: string,
  changes: LiveControls,
): Promise<LiveControls> {
  if (Object.keys(changes).length === 0)
    throw new InvalidArgumentError(
      'Name at least one of itemsPerSecond, priority and failureThreshold to change',
    );
  const found = await deps.batches.getBatchRecord(batchOperationKey);
  if (!found) throw new NotFoundError(`Batch operation with key '${batchOperationKey}' not found`);
  const problem =
    changes.itemsPerSecond !== undefined &&
    rateProblem(changes.itemsPerSecond, found.shardCount, deps.chunkSize);
  if (problem) throw new InvalidArgumentError(problem);
  if (!(await deps.batches.changeControls(batchOperationKey, changes))) {
    const now = await deps.batches.getBatchRecord(batchOperationKey);
    throw new InvalidStateError(
      `Cannot change batch operation '${batchOperationKey}': it is ${now?.state ?? found.state}${now?.cancelRequestedAt ? ' (canceling)' : ''}; only a batch that has not ended can be changed`,
    );
  }
  return changes;
}
