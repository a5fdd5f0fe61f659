import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchScheduler } from '#ports/batch-scheduler.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import { InvalidStateError, NotFoundError } from '../errors.ts';

export interface StartScheduledDeps {
  batches: BatchStore;
  workflow: BatchExecutions;
  scheduler: BatchScheduler;
}

/**
 * A scheduled batch starts: its schedule is taken off the batch in one conditional write (so the
 * schedule firing and a user's "start now" start it once between them), then its execution starts,
 * as a batch without a schedule does at creation. False when there was nothing to start (canceled
 * meanwhile, or started already).
 */
export async function startScheduledBatch(deps: StartScheduledDeps, batchOperationKey: string) {
  if (!(await deps.batches.takeSchedule(batchOperationKey))) return false;
  await deps.workflow.start(batchOperationKey);
  return true;
}

/** A user's "start now" of a scheduled batch: its schedule is removed; 404 unknown, 409 not scheduled. */
export async function startNow(deps: StartScheduledDeps, batchOperationKey: string) {
  if (!(await startScheduledBatch(deps, batchOperationKey))) {
    const batch = await deps.batches.getBatchRecord(batchOperationKey);
    if (!batch) throw new NotFoundError(`Batch operation with key '${batchOperationKey}' not found`);
    throw new InvalidStateError(
      `Cannot start batch operation '${batchOperationKey}' now: it is ${batch.state}${batch.state === 'CREATED' ? ' and starting already' : ''}; only a scheduled batch that has not started can be started now`,
    );
  }
  await deps.scheduler.unschedule({ batchOperationKey, action: 'start' });
}
