import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchStore } from '#ports/batch-store.ts';

/**
 * The execution of a suspended batch parks here, holding a task token instead of polling, so a long
 * suspension costs no state transitions. The token is stored on the batch for the resumption (or
 * cancellation) to wake it; if the batch left SUSPENDED before the token was stored, nobody else will
 * see it, so the execution wakes itself at once.
 */
export async function awaitResumption(
  deps: { batches: BatchStore; workflow: BatchExecutions },
  input: { batchOperationKey: string; taskToken: string },
) {
  const waiting = await deps.batches.awaitResumption(input.batchOperationKey, input.taskToken);
  if (!waiting) await deps.workflow.resume(input.taskToken);
  return { batchOperationKey: input.batchOperationKey, waiting };
}
