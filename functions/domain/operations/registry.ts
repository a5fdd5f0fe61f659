import type { BatchOperationType } from '../batch/batch-operation.ts';
import { cancelProcessInstance } from './cancel-process-instance.ts';
import { deleteProcessInstance } from './delete-process-instance.ts';
import { migrateProcessInstance } from './migrate-process-instance.ts';
import { modifyProcessInstance } from './modify-process-instance.ts';
import type { OperationHandler } from './operation-handler.ts';
import { resolveIncident } from './resolve-incident.ts';
import { restartProcessInstance } from './restart-process-instance.ts';
import { setExternalTaskRetries } from './set-external-task-retries.ts';
import { setJobRetries } from './set-job-retries.ts';

const handlers: Partial<Record<BatchOperationType, OperationHandler>> = {
  CANCEL_PROCESS_INSTANCE: cancelProcessInstance,
  RESOLVE_INCIDENT: resolveIncident,
  DELETE_PROCESS_INSTANCE: deleteProcessInstance,
  MODIFY_PROCESS_INSTANCE: modifyProcessInstance,
  MIGRATE_PROCESS_INSTANCE: migrateProcessInstance,
  SET_JOB_RETRIES: setJobRetries,
  SET_EXTERNAL_TASK_RETRIES: setExternalTaskRetries,
  RESTART_PROCESS_INSTANCE: restartProcessInstance,
};

export function operationHandlerFor(type: BatchOperationType): OperationHandler {
  const handler = handlers[type];
  if (!handler) throw new Error(`No handler for batch operation type ${type}`);
  return handler;
}
