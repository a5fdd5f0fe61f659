import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { keyFromSequence } from '#domain/keys.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';

/** DynamoDB's BatchWriteItem limit: the store writes this many per call anyway. */
const SEED_GROUP = 25;
const SEED_LANES = 16;

/** Which instances a seed made: `count` consecutive keys from `firstSequence`, of one process id. */
export interface Seed {
  processDefinitionId: string;
  firstSequence: number;
  count: number;
}

export function seedKey(seed: Seed, index: number): string {
  return keyFromSequence(seed.firstSequence + index);
}

/**
 * Writes `count` ACTIVE instances straight into the instance store (BatchWriteItem, 25 a call, 16
 * calls in flight), generated a group at a time so memory does not grow with the count. Each looks
 * like an instance the API would start: one active task, a few variables.
 */
export async function seedInstances(store: ProcessInstanceStore, seed: Seed): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < seed.count) {
      const from = next;
      next = Math.min(seed.count, next + SEED_GROUP);
      const group: ProcessInstance[] = [];
      for (let index = from; index < next; index++) group.push(benchInstance(seed, index));
      await store.putInstances(group);
    }
  };
  await Promise.all(Array.from({ length: SEED_LANES }, lane));
  return performance.now() - started;
}

function benchInstance(seed: Seed, index: number): ProcessInstance {
  const sequence = seed.firstSequence + index;
  return {
    processInstanceKey: keyFromSequence(sequence),
    processDefinitionKey: keyFromSequence(seed.firstSequence - 1),
    processDefinitionId: seed.processDefinitionId,
    processDefinitionVersion: 1,
    tenantId: '<default>',
    state: 'ACTIVE',
    startDate: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
    hasIncident: false,
    variables: {
      orderId: `"order-${index}"`,
      region: index % 2 === 0 ? '"EU"' : '"US"',
      amount: String(index),
    },
    tags: [],
    elementInstances: [
      { elementInstanceKey: keyFromSequence(sequence + 500_000_000), elementId: 'review', state: 'ACTIVE' },
    ],
    batchOperationIds: [],
  };
}
