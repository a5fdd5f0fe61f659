import { filterBatchRequestSchema } from '#wire/batch-requests.ts';
import type { WriteOperation } from './operation-handler.ts';

/**
 * Resume (Camunda 8.10): only a SUSPENDED instance can be resumed; it reads ACTIVE again, without a
 * suspension date, and its jobs are activatable again. One conditional write.
 */
export const resumeProcessInstance: WriteOperation = {
  kind: 'write',
  type: 'RESUME_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_RESUME_PROCESS_INSTANCE',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/resumption',
    routeId: 'ResumeProcessInstancesBatch',
    body: filterBatchRequestSchema,
  },
  command: () => ({ requiredStates: ['SUSPENDED'], set: { state: 'ACTIVE', suspendedDate: null } }),
  rejection: (instance) =>
    `Expected to resume process instance with key '${instance.processInstanceKey}', but it is ${instance.state}: only SUSPENDED instances can be resumed`,
  missing: (key) =>
    `Expected to resume process instance with key '${key}', but no such process instance was found`,
};
