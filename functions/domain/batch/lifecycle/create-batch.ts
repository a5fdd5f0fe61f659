import { z } from 'zod';
import type { BatchStore, BatchWorkflow } from '../../../ports/batch-store.ts';
import type { KeyGenerator } from '../../../ports/instance-store.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { parseProcessInstanceFilter } from '../../filter/parse-filter.ts';
import { isEmptyFilter } from '../../filter/process-instance-filter.ts';
import type { AuthorizationClaims, BatchOperationType } from '../batch-operation.ts';

export interface CreateBatchDeps {
  batches: BatchStore;
  keys: KeyGenerator;
  workflow: BatchWorkflow;
  shardCount: number;
  now: () => Date;
}

export interface CreateBatchRequest {
  batchOperationType: BatchOperationType;
  filter: unknown;
  claims: AuthorizationClaims;
}

/** The body of a creation request that names its instances by a filter alone (Camunda's cancellation). */
export const filterBatchRequestSchema = z.object({ filter: z.unknown() }).strict();

/**
 * Phase 1, Creation (inside the API call): validate the filter, allocate the batch key, store the
 * batch with the caller's claims and start its execution. The filter is validated here so a bad one
 * is a 400 now, not a failed batch later.
 */
export async function createBatch(deps: CreateBatchDeps, request: CreateBatchRequest) {
  validateBatchFilter(request.filter);
  const [batchOperationKey] = await deps.keys.nextKeys(1);
  await deps.batches.createBatch({
    batchOperationKey,
    batchOperationType: request.batchOperationType,
    state: 'CREATED',
    filter: request.filter,
    shardCount: deps.shardCount,
    startDate: deps.now().toISOString(),
    claims: request.claims,
  });
  try {
    await deps.workflow.start(batchOperationKey);
  } catch (error) {
    // The batch must not sit in CREATED without an execution: record why it never started.
    await deps.batches.finishBatch(
      batchOperationKey,
      'FAILED',
      deps.now().toISOString(),
      `Could not start the batch: ${String(error)}`,
    );
    throw error;
  }
  return { batchOperationKey, batchOperationType: request.batchOperationType };
}

/** A batch's filter must be present, valid and not empty; the dry run checks it by the same rule. */
export function validateBatchFilter(filterJson: unknown): void {
  if (filterJson === undefined || filterJson === null) {
    throw new InvalidArgumentError('filter is required: name the process instances to act on');
  }
  if (isEmptyFilter(parseProcessInstanceFilter(filterJson))) {
    throw new InvalidArgumentError(
      'filter must not be empty: an empty filter would match every process instance; name at least one criterion, e.g. {"processDefinitionId": "order-process"}',
    );
  }
}
