import type { BatchOperationType } from '../batch/batch-operation.ts';
import { cancelProcessInstance } from './cancel-process-instance.ts';
import { deleteProcessInstance } from './delete-process-instance.ts';
import { migrateProcessInstance } from './migrate-process-instance.ts';
import { modifyProcessInstance } from './modify-process-instance.ts';
import type { OperationHandler } from './operation-handler.ts';
import { resolveIncident } from './resolve-incident.ts';
import { restartProcessInstance } from './restart-process-instance.ts';
import { resumeProcessInstance } from './resume-process-instance.ts';
import { setExternalTaskRetries } from './set-external-task-retries.ts';
import { setJobRetries } from './set-job-retries.ts';
import { setVariables } from './set-variables.ts';
import { suspendProcessInstance } from './suspend-process-instance.ts';
import { updateJob } from './update-job.ts';

/**
 * Every operation type the service runs, one descriptor each. The worker's handler lookup, the
 * creation and dry-run requests, the creation routes (functions/resources/api-routes.ts) and their
 * grants (lib/api.ts) are all derived from this list.
 */
export const OPERATIONS: readonly OperationHandler[] = [
  cancelProcessInstance,
  resolveIncident,
  deleteProcessInstance,
  modifyProcessInstance,
  migrateProcessInstance,
  suspendProcessInstance,
  resumeProcessInstance,
  updateJob,
  setJobRetries,
  setExternalTaskRetries,
  restartProcessInstance,
  setVariables,
];

export function operationHandlerFor(type: BatchOperationType): OperationHandler {
  const handler = OPERATIONS.find((operation) => operation.type === type);
  if (!handler) throw new Error(`No handler for batch operation type ${type}`);
  return handler;
}

/** The operation created by a `POST` to `path`, if any. */
export function operationCreatedAt(path: string): OperationHandler | undefined {
  return OPERATIONS.find((operation) => operation.creation.path === path);
}

/** The name of an operation's creation request: the last segment of its path (also its dry run's). */
export function creationName(operation: OperationHandler): string {
  return operation.creation.path.slice(operation.creation.path.lastIndexOf('/') + 1);
}

/**
 * Where an operation's dry run is served (an extension): under the collection its items belong to,
 * `/v2/extensions/process-instances/{operation}/dry-run`, or `/v2/extensions/jobs/{operation}/dry-run`
 * for a job operation, `{operation}` being its creation name.
 */
export function dryRunRouteOf(operation: OperationHandler): `/v2/extensions/${string}/{operation}/dry-run` {
  return `/v2/extensions/${operation.kind === 'job' ? 'jobs' : 'process-instances'}/{operation}/dry-run`;
}

/** The path of an operation's dry run. */
export function dryRunPathOf(operation: OperationHandler): string {
  return dryRunRouteOf(operation).replace('{operation}', creationName(operation));
}
