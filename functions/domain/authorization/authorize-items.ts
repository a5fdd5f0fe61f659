import type { Engine } from '#ports/engine.ts';
import type { BatchOperation } from '../batch/batch-operation.ts';
import { isInScope, isUnrestricted } from './permissions.ts';

/**
 * Camunda's rule for a batch's items: the batch acts with the permissions its creator had when it
 * created it. An item whose instance lies outside that scope (another process definition, another
 * tenant) is refused with the reason, before anything touches it. The items' instances are described by
 * the engine in as few requests as it allows; an unrestricted batch reads nothing. A missing instance passes (the operation
 * reports it as not found), and so does one this batch already changed.
 *
 * @returns the refusal of each key, in the order of the keys: undefined where the item may proceed.
 */
export async function authorizeItems(
  engine: Pick<Engine, 'describeInstances'>,
  batch: Pick<BatchOperation, 'scope' | 'batchOperationKey'>,
  processInstanceKeys: readonly string[],
): Promise<(string | undefined)[]> {
  const { scope } = batch;
  if (!scope || isUnrestricted(scope)) return processInstanceKeys.map(() => undefined);
  const found = await engine.describeInstances(processInstanceKeys);
  return processInstanceKeys.map((processInstanceKey) => {
    const instance = found.get(processInstanceKey);
    // Marked by this batch: applied by an earlier delivery (a migration may have moved it since).
    if (
      !instance ||
      instance.batchOperationIds?.includes(batch.batchOperationKey) ||
      isInScope(scope, instance)
    )
      return undefined;
    return `Not authorized to perform operation '${scope.permission}' on process instance with key '${processInstanceKey}' (process definition '${instance.processDefinitionId}', tenant '${instance.tenantId}'): the batch's creator held no such permission when it created the batch`;
  });
}
