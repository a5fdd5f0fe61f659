import { filterBatchRequestSchema } from '#wire/batch-requests.ts';
import type { WriteOperation } from './operation-handler.ts';

/**
 * Suspend (Camunda 8.10): only an ACTIVE instance can be suspended; it reads SUSPENDED with a
 * suspension date, and its jobs cannot be activated until it is resumed (functions/domain/job/).
 * Its child instances are not suspended with it (no cascade, as in Camunda). One conditional write.
 */
export const suspendProcessInstance: WriteOperation = {
  kind: 'write',
  type: 'SUSPEND_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_SUSPEND_PROCESS_INSTANCE',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/suspension',
    routeId: 'SuspendProcessInstancesBatch',
    body: filterBatchRequestSchema,
  },
  command: (now) => ({ requiredStates: ['ACTIVE'], set: { state: 'SUSPENDED', suspendedDate: now } }),
  rejection: (instance) =>
    `Expected to suspend process instance with key '${instance.processInstanceKey}', but it is ${instance.state}: only ACTIVE instances can be suspended`,
  missing: (key) =>
    `Expected to suspend process instance with key '${key}', but no such process instance was found`,
};
