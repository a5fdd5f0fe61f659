import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { InvalidStateError, NotFoundError } from '../errors.ts';
import { cancelProcessInstance } from '../operations/cancel-process-instance.ts';

/**
 * Cancels one instance outside any batch, with the batch operation's own rule and messages: one
 * conditional write, refused for a missing instance (404) or one that is not ACTIVE (409).
 */
export async function cancelInstance(
  deps: { instances: ProcessInstanceStore; now: () => Date },
  processInstanceKey: string,
): Promise<void> {
  const result = await deps.instances.applyCommand(
    processInstanceKey,
    cancelProcessInstance.command(deps.now().toISOString()),
  );
  if (result.applied) return;
  if (!result.current) throw new NotFoundError(cancelProcessInstance.missing(processInstanceKey));
  throw new InvalidStateError(cancelProcessInstance.rejection(result.current));
}
