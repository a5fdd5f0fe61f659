import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { InvalidStateError, NotFoundError } from '../errors.ts';
import type { WriteOperation } from '../operations/operation-handler.ts';

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
