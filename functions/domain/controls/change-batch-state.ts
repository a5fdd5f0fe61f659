import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { BatchOperationState } from '../batch/batch-operation.ts';
import { InvalidStateError, NotFoundError } from '../errors.ts';

/** A lifecycle command a user sends to a running batch, and the states it is allowed from. */
export interface BatchStateChange {
  readonly verb: 'suspend' | 'resume' | 'cancel';
  readonly from: readonly BatchOperationState[];
  readonly to: BatchOperationState;
  /** A final state: the batch gets its end date now. */
  readonly ends: boolean;
}

export interface ChangeBatchStateDeps {
  batches: BatchStore;
  workflow: BatchExecutions;
  now: () => Date;
}

/**
 * Moves the batch from one of the allowed states to the target in one conditional write, then wakes
 * the execution if it was waiting for resumption (a cancel wakes it too: the execution must go on to
 * account for the canceled items and end). A batch in any other state is left untouched: 409.
 */
export async function changeBatchState(
  deps: ChangeBatchStateDeps,
  change: BatchStateChange,
  batchOperationKey: string,
) {
  const result = await deps.batches.transitionBatch(batchOperationKey, {
    from: change.from,
    to: change.to,
    endDate: change.ends ? deps.now().toISOString() : undefined,
  });
  if (result.outcome === 'missing') {
    throw new NotFoundError(`Batch operation with key '${batchOperationKey}' not found`);
  }
  if (result.outcome === 'refused') {
    throw new InvalidStateError(
      `Cannot ${change.verb} batch operation '${batchOperationKey}': it is ${result.state}, and only a batch that is ${change.from.join(' or ')} can be ${pastTense[change.verb]}`,
    );
  }
  if (result.resumptionToken) await deps.workflow.resume(result.resumptionToken);
  return { batchOperationKey, batchOperationType: result.batchOperationType, state: change.to };
}

const pastTense = { suspend: 'suspended', resume: 'resumed', cancel: 'canceled' } as const;
