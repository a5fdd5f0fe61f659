import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { BatchLifecycleCommand, BatchOperationState } from '../batch/batch-operation.ts';
import { InvalidStateError, NotFoundError } from '../errors.ts';

/** A lifecycle command a user sends to a running batch, and the states it is allowed from. */
export interface BatchStateChange {
  readonly verb: BatchLifecycleCommand;
  /** The states the command is accepted from (a cancellation already requested refuses all but cancel). */
  readonly from: readonly BatchOperationState[];
  /** The state the batch reaches, once the work in flight has drained. */
  readonly to: BatchOperationState;
}

export interface ChangeBatchStateDeps {
  batches: BatchStore;
  workflow: BatchExecutions;
  now: () => Date;
}

/**
 * Records the command on the batch with conditional writes (see `BatchStore.requestChange`), then
 * wakes the execution if it was waiting for resumption (a cancel wakes it too: the execution must go
 * on to account for the canceled items and end). A cancellation or a suspension of a running batch
 * takes effect once the work in flight has drained: the workers notice the request between small
 * groups of items, and the execution writes the new state when no item can change any more. A batch
 * in any other state is left untouched: 409.
 */
export async function changeBatchState(
  deps: ChangeBatchStateDeps,
  change: BatchStateChange,
  batchOperationKey: string,
) {
  const result = await deps.batches.requestChange(batchOperationKey, change.verb, deps.now().toISOString());
  if (result.outcome === 'missing') {
    throw new NotFoundError(`Batch operation with key '${batchOperationKey}' not found`);
  }
  if (result.outcome === 'refused') {
    throw new InvalidStateError(
      result.cancelRequestedAt
        ? `Cannot ${change.verb} batch operation '${batchOperationKey}': its cancellation was requested at ${result.cancelRequestedAt}`
        : `Cannot ${change.verb} batch operation '${batchOperationKey}': it is ${result.state}, and only a batch that is ${change.from.join(' or ')} can be ${pastTense[change.verb]}`,
    );
  }
  if (result.resumptionToken) await deps.workflow.resume(result.resumptionToken);
  return { batchOperationKey, batchOperationType: result.batchOperationType, state: change.to };
}

const pastTense = { suspend: 'suspended', resume: 'resumed', cancel: 'canceled' } as const;
