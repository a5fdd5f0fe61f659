import type { WriteOperation } from './operation-handler.ts';

/**
 * Cancel: only an ACTIVE instance can be canceled; it ends CANCELED with an end date. One conditional
 * write without a read (its jobs are canceled lazily, when a worker next touches them).
 */
export const cancelProcessInstance: WriteOperation = {
  kind: 'write',
  type: 'CANCEL_PROCESS_INSTANCE',
  command: (now) => ({ requiredStates: ['ACTIVE'], set: { state: 'CANCELED', endDate: now } }),
  rejection: (instance) =>
    `Expected to cancel process instance with key '${instance.processInstanceKey}', but it is ${instance.state}: only ACTIVE instances can be canceled`,
  missing: (key) =>
    `Expected to cancel process instance with key '${key}', but no such process instance was found`,
};
