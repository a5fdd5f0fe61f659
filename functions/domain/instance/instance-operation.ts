import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { InvalidStateError, NotFoundError } from '../errors.ts';
import type { StepOperation, WriteOperation } from '../operations/operation-handler.ts';
import { type EngineDeps, retryOnConflict } from './engine-step.ts';

/**
 * Applies a write operation (cancel, suspend, resume) to one instance outside any batch, with the batch
 * operation's own rule and messages: refused for a missing instance (404) or one whose state does not
 * allow it (409).
 */
export async function applyToInstance(
  deps: { instances: ProcessInstanceStore; now: () => Date },
  operation: WriteOperation,
  processInstanceKey: string,
): Promise<void> {
  const result = await deps.instances.applyCommand(
    processInstanceKey,
    operation.command(deps.now().toISOString()),
  );
  if (result.applied) return;
  if (!result.current) throw new NotFoundError(operation.missing(processInstanceKey));
  throw new InvalidStateError(operation.rejection(result.current));
}

/**
 * Applies an engine-step operation (migration, modification) to one instance outside any batch, with
 * the batch operation's own checks and decision: the plan checked against the instance's definition
 * as at a batch's creation (400), the instance missing (404) or refused by the operation's rule (409
 * with its message). Nothing marks the instance: no batch applied it.
 */
export async function applyStepToInstance(
  deps: EngineDeps,
  operation: StepOperation,
  processInstanceKey: string,
  parameters: Record<string, unknown>,
): Promise<void> {
  await retryOnConflict(
    `apply ${operation.type} to process instance with key '${processInstanceKey}'`,
    async () => {
      const instance = await deps.instances.getInstance(processInstanceKey);
      if (!instance) throw new NotFoundError(operation.missing(processInstanceKey));
      await operation.creation.validate?.(
        deps,
        { processDefinitionKey: instance.processDefinitionKey },
        parameters,
      );
      const decision = await operation.decide(deps, instance, {
        batchOperationKey: OUTSIDE_ANY_BATCH,
        parameters,
        now: deps.now().toISOString(),
      });
      if ('refused' in decision) throw new InvalidStateError(decision.refused);
      const { before, after } = decision.change.instance;
      return deps.engine.commit({
        ...decision.change,
        instance: { before, after: { ...after, batchOperationIds: before.batchOperationIds } },
      });
    },
  );
}

/** The batch key a single-instance decision is made under; its mark is taken off before the commit. */
const OUTSIDE_ANY_BATCH = 'single-instance';
