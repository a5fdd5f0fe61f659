import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import type { BatchOperation } from '../batch/batch-operation.ts';
import { isInScope, isUnrestricted } from './permissions.ts';

/**
 * Camunda's rule for a batch's items: the batch acts with the permissions its creator had when it
 * created it. An item whose instance lies outside that scope (another process definition, another
 * tenant) is refused with the reason, before anything touches it; an unrestricted batch reads nothing.
 * A missing instance passes (the operation reports it as not found), and so does one this batch
 * already changed.
 */
export async function authorizeItem(
  instances: Pick<ProcessInstanceStore, 'getInstance'>,
  batch: Pick<BatchOperation, 'scope' | 'batchOperationKey'>,
  processInstanceKey: string,
): Promise<string | undefined> {
  const { scope } = batch;
  if (!scope || isUnrestricted(scope)) return undefined;
  const instance = await instances.getInstance(processInstanceKey);
  // Marked by this batch: applied by an earlier delivery (a migration may have moved it since).
  if (!instance || instance.batchOperationIds.includes(batch.batchOperationKey) || isInScope(scope, instance))
    return undefined;
  return `Not authorized to perform operation '${scope.permission}' on process instance with key '${processInstanceKey}' (process definition '${instance.processDefinitionId}', tenant '${instance.tenantId}'): the batch's creator held no such permission when it created the batch`;
}
