import type { BatchOperationType } from '../batch/batch-operation.ts';
import { cancelProcessInstance } from './cancel-process-instance.ts';
import type { OperationHandler } from './operation-handler.ts';
import { restartProcessInstance } from './restart-process-instance.ts';
import { setExternalTaskRetries } from './set-external-task-retries.ts';
import { setJobRetries } from './set-job-retries.ts';

const handlers: Partial<Record<BatchOperationType, OperationHandler>> = {
  CANCEL_PROCESS_INSTANCE: cancelProcessInstance,
  SET_JOB_RETRIES: setJobRetries,
  SET_EXTERNAL_TASK_RETRIES: setExternalTaskRetries,
  RESTART_PROCESS_INSTANCE: restartProcessInstance,
};

export function operationHandlerFor(type: BatchOperationType): OperationHandler {
  const handler = handlers[type];
  if (!handler) throw new Error(`No handler for batch operation type ${type}`);
  return handler;
}
