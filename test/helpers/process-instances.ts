import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { keyFromSequence } from '#domain/keys.ts';

/** An ACTIVE instance of `order-process` waiting at one user task; override what the test is about. */
export function processInstance(sequence: number, overrides: Partial<ProcessInstance> = {}): ProcessInstance {
  const processInstanceKey = keyFromSequence(sequence);
  return {
    processInstanceKey,
    processDefinitionKey: keyFromSequence(1),
    processDefinitionId: 'order-process',
    processDefinitionVersion: 1,
    tenantId: '<default>',
    state: 'ACTIVE',
    startDate: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(),
    hasIncident: false,
    variables: {},
    tags: [],
    elementInstances: [
      { elementInstanceKey: keyFromSequence(1_000_000 + sequence), elementId: 'review', state: 'ACTIVE' },
    ],
    batchOperationIds: [],
    ...overrides,
  };
}
