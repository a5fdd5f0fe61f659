import { operationRequestSchema } from '#wire/batch-requests.ts';
import { cancellationOptionsSchema } from '../batch/batch-operation.ts';
import type { WriteOperation } from './operation-handler.ts';

/**
 * Cancel: an ACTIVE instance, or a SUSPENDED one (Camunda 8.10 executes a cancellation during a
 * suspension: docs/camunda-compatibility.md#suspension), can be canceled; it ends TERMINATED (Camunda's state for a canceled instance) with an end date. One conditional
 * write without a read (its jobs are canceled lazily, when a worker next touches them). A batch's
 * cancellation reason and flag (an extension: its parameters) are recorded on the instance in the
 * same write.
 */
export const cancelProcessInstance: WriteOperation = {
  kind: 'write',
  type: 'CANCEL_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE',
  itemPermission: 'CANCEL_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/cancellation',
    routeId: 'CancelProcessInstancesBatch',
    body: operationRequestSchema(cancellationOptionsSchema),
  },
  command: (now, item) => {
    const options = item?.parameters ? cancellationOptionsSchema.parse(item.parameters) : {};
    const recorded = options.reason !== undefined || options.skipCustomListeners !== undefined;
    return {
      requiredStates: ['ACTIVE', 'SUSPENDED'],
      set: {
        state: 'TERMINATED',
        endDate: now,
        // Ended, no longer suspended.
        suspendedDate: null,
        ...(recorded && item
          ? { cancellation: { batchOperationKey: item.batchOperationKey, ...options } }
          : {}),
      },
    };
  },
  rejection: (instance) =>
    `Expected to cancel process instance with key '${instance.processInstanceKey}', but it is ${instance.state}: only ACTIVE and SUSPENDED instances can be canceled`,
  missing: (key) =>
    `Expected to cancel process instance with key '${key}', but no such process instance was found`,
};
