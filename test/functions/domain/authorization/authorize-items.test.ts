import { describe, expect, it } from 'vitest';
import { describeStoredInstances } from '#adapters/builtin/builtin-engine.ts';
import { authorizeItems } from '#domain/authorization/authorize-items.ts';
import type { InstanceScope } from '#domain/authorization/permissions.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { InMemoryProcessInstances } from '../../../fakes/in-memory-ports.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

/** The instance store, counting the batched reads authorization makes. */
class CountingInstances extends InMemoryProcessInstances {
  reads: string[][] = [];

  override getInstances(keys: readonly string[]): Promise<ProcessInstance[]> {
    this.reads.push([...keys]);
    return super.getInstances(keys);
  }
}

const BATCH = keyFromSequence(9_000);
const orderOnly: InstanceScope = {
  permission: 'CANCEL_PROCESS_INSTANCE',
  processDefinitionIds: ['order-process'],
  tenantIds: '*',
};

/** The built-in engine's description of the store's instances, as the worker's engine gives it. */
async function storeWith(instances: ProcessInstance[]) {
  const store = new CountingInstances(1);
  await store.putInstances(instances);
  return Object.assign(store, {
    describeInstances: (keys: readonly string[]) => describeStoredInstances(store, keys),
  });
}

describe('authorizeItems', () => {
  it('reads nothing for an unrestricted batch and lets every item through', async () => {
    const store = await storeWith([processInstance(1, { processDefinitionId: 'invoice' })]);
    const everything: InstanceScope = { ...orderOnly, processDefinitionIds: '*' };

    const refusals = await authorizeItems(store, { batchOperationKey: BATCH, scope: everything }, [
      keyFromSequence(1),
    ]);
    const unscoped = await authorizeItems(store, { batchOperationKey: BATCH }, [keyFromSequence(1)]);

    expect(refusals).toEqual([undefined]);
    expect(unscoped).toEqual([undefined]);
    expect(store.reads).toEqual([]);
  });

  it('reads a group once and refuses, in key order, only the instances outside the scope', async () => {
    const store = await storeWith([
      processInstance(1),
      processInstance(2, { processDefinitionId: 'invoice', tenantId: 'acme' }),
      // Changed by this batch on an earlier delivery (then migrated away): it passes.
      processInstance(3, { processDefinitionId: 'invoice', batchOperationIds: [BATCH] }),
    ]);
    // Not in the order the store answers: refusals must follow the keys.
    const keys = [keyFromSequence(2), keyFromSequence(4), keyFromSequence(1), keyFromSequence(3)];

    const refusals = await authorizeItems(store, { batchOperationKey: BATCH, scope: orderOnly }, keys);

    expect(store.reads).toEqual([keys]);
    expect(refusals).toEqual([
      `Not authorized to perform operation 'CANCEL_PROCESS_INSTANCE' on process instance with key '${keyFromSequence(2)}' (process definition 'invoice', tenant 'acme'): the batch's creator held no such permission when it created the batch`,
      // No instance: the operation reports it as not found.
      undefined,
      undefined,
      undefined,
    ]);
  });
});
