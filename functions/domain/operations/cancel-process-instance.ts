import type { OperationHandler } from './operation-handler.ts';

/**
 * Cancel: only an ACTIVE instance can be canceled; it ends CANCELED with an end date. A batch's
 * cancellation reason and flags (an extension) are recorded on the instance in the same write.
 */
export const cancelProcessInstance: OperationHandler = {
  type: 'CANCEL_PROCESS_INSTANCE',
  command: (now, batch) => ({
    requiredStates: ['ACTIVE'],
    set: {
      state: 'CANCELED',
      endDate: now,
      ...(batch?.cancellation
        ? { cancellation: { batchOperationKey: batch.batchOperationKey, ...batch.cancellation } }
        : {}),
    },
  }),
  rejection: (instance) =>
    `Expected to cancel process instance with key '${instance.processInstanceKey}', but it is ${instance.state}: only ACTIVE instances can be canceled`,
  missing: (key) =>
    `Expected to cancel process instance with key '${key}', but no such process instance was found`,
};
