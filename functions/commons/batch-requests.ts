import type { z } from 'zod';
import type { BatchControls, BatchOperationType } from '#domain/batch/batch-operation.ts';
import { cancellationOptionsSchema } from '#domain/batch/batch-operation.ts';
import { NotFoundError } from '#domain/errors.ts';
import type { InstanceSelection } from '#domain/initialization/item-provider/batch-item-keys.ts';
import {
  migrationParametersSchema,
  validateMigrationPlan,
} from '#domain/operations/migrate-process-instance.ts';
import {
  modificationParametersSchema,
  validateModification,
} from '#domain/operations/modify-process-instance.ts';
import { restartParametersSchema } from '#domain/operations/restart-process-instance.ts';
import { externalTaskRetriesParametersSchema } from '#domain/operations/set-external-task-retries.ts';
import { jobRetriesParametersSchema } from '#domain/operations/set-job-retries.ts';
import {
  filterBatchRequestSchema,
  operationRequestSchema,
  splitOperationRequest,
} from '#wire/batch-requests.ts';
import { type HttpEvent, parseBody } from './http.ts';
import { services } from './services.ts';

/** A creation request, read and checked: what the batch acts on, how it runs, and the operation's fields. */
export interface BatchRequest {
  batchOperationType: BatchOperationType;
  selection: InstanceSelection;
  controls: BatchControls;
  parameters?: Record<string, unknown>;
}

interface BatchRequestKind {
  readonly batchOperationType: BatchOperationType;
  readonly body: z.ZodType<InstanceSelection & BatchControls & Record<string, unknown>>;
  /** Checks that need the stores (definitions), made at creation so a bad request is a 400, not N failed items. */
  readonly validate?: (filter: unknown, parameters: Record<string, unknown>) => Promise<void>;
}

/**
 * Every batch creation request, by the last segment of its path (`/v2/process-instances/{segment}`,
 * or `/v2/extensions/process-instances/{segment}` for the extensions). Creation and dry run read a
 * request through this one table, so both accept and refuse exactly the same bodies.
 */
const BATCH_REQUESTS = {
  cancellation: {
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    body: operationRequestSchema(cancellationOptionsSchema),
  },
  'incident-resolution': { batchOperationType: 'RESOLVE_INCIDENT', body: filterBatchRequestSchema },
  deletion: { batchOperationType: 'DELETE_PROCESS_INSTANCE', body: filterBatchRequestSchema },
  modification: {
    batchOperationType: 'MODIFY_PROCESS_INSTANCE',
    body: operationRequestSchema(modificationParametersSchema),
    validate: (filter, parameters) =>
      validateModification(
        services().definitions,
        filter,
        modificationParametersSchema.parse(parameters).moveInstructions,
      ),
  },
  migration: {
    batchOperationType: 'MIGRATE_PROCESS_INSTANCE',
    body: operationRequestSchema(migrationParametersSchema),
    validate: (filter, parameters) =>
      validateMigrationPlan(
        services().definitions,
        filter,
        migrationParametersSchema.parse(parameters).migrationPlan,
      ),
  },
  'job-retries': {
    batchOperationType: 'SET_JOB_RETRIES',
    body: operationRequestSchema(jobRetriesParametersSchema),
  },
  'external-task-retries': {
    batchOperationType: 'SET_EXTERNAL_TASK_RETRIES',
    body: operationRequestSchema(externalTaskRetriesParametersSchema),
  },
  restart: {
    batchOperationType: 'RESTART_PROCESS_INSTANCE',
    body: operationRequestSchema(restartParametersSchema),
  },
} as const satisfies Record<string, BatchRequestKind>;

export type BatchRequestName = keyof typeof BATCH_REQUESTS;

export function isBatchRequestName(name: string): name is BatchRequestName {
  return Object.hasOwn(BATCH_REQUESTS, name);
}

/** Reads the body of the named creation request; invalid bodies and plans are 400 problem details. */
export async function readBatchRequest(name: BatchRequestName, event: HttpEvent): Promise<BatchRequest> {
  const kind: BatchRequestKind = BATCH_REQUESTS[name];
  const { selection, controls, parameters } = splitOperationRequest(parseBody(kind.body, event.body));
  await kind.validate?.(selection.filter, parameters);
  return {
    batchOperationType: kind.batchOperationType,
    selection,
    controls,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  };
}

/** The creation request a dry-run path names, or a 404 listing the ones there are. */
export function batchRequestNamed(name: string): BatchRequestName {
  if (isBatchRequestName(name)) return name;
  throw new NotFoundError(
    `No batch operation is created at '${name}'; dry runs exist for: ${Object.keys(BATCH_REQUESTS).join(', ')}`,
  );
}
