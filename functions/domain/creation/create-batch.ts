import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import {
  type AuthorizationClaims,
  type BatchControls,
  type BatchOperationType,
  batchControlsSchema,
  FINAL_BATCH_STATES,
  MAX_PROCESS_INSTANCE_KEYS,
} from '../batch/batch-operation.ts';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../errors.ts';
import { parseProcessInstanceFilter } from '../filter/parse-filter.ts';
import { isEmptyFilter } from '../filter/process-instance-filter.ts';
import type { InstanceSelection } from '../initialization/item-provider/batch-item-keys.ts';
import { isKey } from '../keys.ts';

export interface CreateBatchDeps {
  batches: BatchStore;
  keys: KeyGenerator;
  workflow: BatchExecutions;
  shardCount: number;
  chunkSize: number;
  now: () => Date;
}

/** A paced chunk may take at most this long: half the worker's 120-second timeout. */
export const MAX_PACED_CHUNK_SECONDS = 60;

export interface CreateBatchRequest {
  batchOperationType: BatchOperationType;
  /**
   * The instances to act on: a filter and/or a list of keys (their union), or the failed items of an
   * earlier batch (a retry).
   */
  items: InstanceSelection | { failedItemsOf: string };
  claims: AuthorizationClaims;
  controls?: BatchControls;
  /** The operation's own request fields, validated by the caller (a retry takes its source's). */
  parameters?: Record<string, unknown>;
  /** The caller's Idempotency-Key header: the same key with the same request creates one batch. */
  idempotencyKey?: string;
}

/** How long an Idempotency-Key binds its request (as the IETF draft suggests: at least a day). */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/** How a creation request names its instances: Camunda's filter and/or, as an extension, a list of keys. */
export const instanceSelectionSchema = z.object({
  filter: z.unknown().optional(),
  processInstanceKeys: z.array(z.string()).optional(),
});

/** The body of a creation request that names its instances, with this service's optional controls. */
export const filterBatchRequestSchema = z
  .object({ ...instanceSelectionSchema.shape, ...batchControlsSchema.shape })
  .strict();

/**
 * The body of a creation request whose operation takes parameters of its own (e.g. `retries`): the
 * instances, the controls and those parameters, nothing else.
 */
export function operationRequestSchema<Shape extends z.ZodRawShape>(parameters: z.ZodObject<Shape>) {
  return z
    .object({ ...instanceSelectionSchema.shape, ...batchControlsSchema.shape, ...parameters.shape })
    .strict();
}

/** Splits a parsed creation body into its instances, its controls and the operation's parameters. */
export function splitOperationRequest<T extends InstanceSelection & BatchControls>(body: T) {
  const { selection, rest } = selectionOf(body);
  const { itemsPerSecond, failureThreshold, ...parameters } = rest;
  const controls: BatchControls = {
    ...(itemsPerSecond !== undefined ? { itemsPerSecond } : {}),
    ...(failureThreshold !== undefined ? { failureThreshold } : {}),
  };
  return { selection, controls, parameters };
}

/** Splits a parsed creation body into the instances it names and the rest of its fields. */
function selectionOf<T extends InstanceSelection>(
  body: T,
): { selection: InstanceSelection; rest: Omit<T, 'filter' | 'processInstanceKeys'> } {
  const { filter, processInstanceKeys, ...rest } = body;
  return {
    selection: {
      ...(filter !== undefined ? { filter } : {}),
      ...(processInstanceKeys !== undefined ? { processInstanceKeys } : {}),
    },
    rest,
  };
}

/**
 * Phase 1, Creation (inside the API call): validate the request, allocate the batch key, store the
 * batch with the caller's claims and start its execution. The filter is validated here so a bad one
 * is a 400 now, not a failed batch later. With an Idempotency-Key, a repeated request answers with
 * the batch the first one created.
 */
export async function createBatch(deps: CreateBatchDeps, request: CreateBatchRequest) {
  const selection = 'failedItemsOf' in request.items ? undefined : validateSelection(request.items);
  const source =
    'failedItemsOf' in request.items ? await retrySource(deps, request.items.failedItemsOf) : undefined;
  const shardCount = source?.shardCount ?? deps.shardCount;
  const parameters = request.parameters ?? source?.parameters;
  validateRate(request.controls?.itemsPerSecond, shardCount, deps.chunkSize);
  const [batchOperationKey] = await deps.keys.nextKeys(1);
  const now = deps.now();
  const creation = await deps.batches.createBatch(
    {
      batchOperationKey,
      batchOperationType: request.batchOperationType,
      state: 'CREATED',
      ...('failedItemsOf' in request.items
        ? { source: { failedItemsOf: request.items.failedItemsOf } }
        : selection),
      // A retry keeps its source's shards: an item stays in the shard that found it.
      shardCount,
      startDate: now.toISOString(),
      claims: request.claims,
      ...(parameters ? { parameters } : {}),
      // Only the known controls: a body spread into `controls` must not smuggle other fields onto the batch.
      ...(request.controls?.itemsPerSecond !== undefined
        ? { itemsPerSecond: request.controls.itemsPerSecond }
        : {}),
      ...(request.controls?.failureThreshold ? { failureThreshold: request.controls.failureThreshold } : {}),
    },
    request.idempotencyKey
      ? {
          scope: idempotencyScope(request),
          requestHash: requestHash(request),
          expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_KEY_TTL_SECONDS,
        }
      : undefined,
  );
  if (!creation.created) {
    if (creation.requestHash !== requestHash(request)) {
      throw new InvalidArgumentError(
        `Idempotency-Key '${request.idempotencyKey}' was already used with a different request; use a new key for a new request`,
        422,
      );
    }
    return {
      batchOperationKey: creation.batchOperationKey,
      batchOperationType: request.batchOperationType,
      replayed: true,
    };
  }
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
  return { batchOperationKey, batchOperationType: request.batchOperationType, replayed: false };
}

/** A retry's source must exist and have ended: only then are its failed items known. */
async function retrySource(deps: CreateBatchDeps, sourceKey: string) {
  const found = await deps.batches.getBatch(sourceKey);
  if (!found) throw new NotFoundError(`Batch operation with key '${sourceKey}' not found`);
  if (!FINAL_BATCH_STATES.includes(found.batch.state))
    throw new InvalidStateError(
      `Cannot retry the failed items of batch operation '${sourceKey}' yet: it is ${found.batch.state}; wait until it has ended`,
    );
  return found.batch;
}

/** Each shard's worker paces its chunk within the worker's time: a rate too low for that is refused. */
function validateRate(itemsPerSecond: number | undefined, shardCount: number, chunkSize: number) {
  const lowest = (chunkSize * shardCount) / MAX_PACED_CHUNK_SECONDS;
  if (itemsPerSecond !== undefined && itemsPerSecond < lowest) {
    throw new InvalidArgumentError(
      `itemsPerSecond must be at least ${Math.ceil(lowest)}: the rate is shared by ${shardCount} shards, and each shard's chunk of ${chunkSize} items must finish within ${MAX_PACED_CHUNK_SECONDS} s`,
    );
  }
}

/** Keys are per caller and per operation type, so two callers cannot collide on the same key. */
function idempotencyScope(request: CreateBatchRequest): string {
  const caller = request.claims.userArn ?? request.claims.sub ?? 'anonymous';
  return `IDEMPOTENCY#${request.batchOperationType}#${String(caller)}#${request.idempotencyKey}`;
}

function requestHash(request: CreateBatchRequest): string {
  const { batchOperationType, items, controls, parameters } = request;
  return createHash('sha256')
    .update(JSON.stringify({ batchOperationType, items, controls, parameters }))
    .digest('base64url');
}

/**
 * A batch names its instances by a filter, a list of keys, or both; the dry run checks by the same
 * rule. Returns the selection as stored: the filter verbatim, the keys without repeats.
 */
export function validateSelection(selection: InstanceSelection): InstanceSelection {
  const { filter, processInstanceKeys } = selection;
  if ((filter === undefined || filter === null) && processInstanceKeys === undefined) {
    throw new InvalidArgumentError(
      'filter or processInstanceKeys is required: name the process instances to act on',
    );
  }
  const keys = processInstanceKeys && validateProcessInstanceKeys(processInstanceKeys);
  if (filter !== undefined && filter !== null) validateBatchFilter(filter);
  return {
    ...(filter !== undefined && filter !== null ? { filter } : {}),
    ...(keys ? { processInstanceKeys: keys } : {}),
  };
}

function validateProcessInstanceKeys(keys: readonly string[]): string[] {
  if (keys.length === 0)
    throw new InvalidArgumentError(
      'processInstanceKeys must not be empty: list at least one key, or omit it',
    );
  if (keys.length > MAX_PROCESS_INSTANCE_KEYS)
    throw new InvalidArgumentError(
      `processInstanceKeys lists ${keys.length} keys, more than the maximum of ${MAX_PROCESS_INSTANCE_KEYS}; use a filter (e.g. {"processInstanceKey": {"$in": [...]}}) or several batches`,
    );
  const invalid = keys.filter((key) => !isKey(key));
  if (invalid.length > 0)
    throw new InvalidArgumentError(
      `processInstanceKeys must be keys (strings of 1 to 19 digits); invalid: ${invalid
        .slice(0, 5)
        .map((key) => `'${key}'`)
        .join(', ')}${invalid.length > 5 ? ` and ${invalid.length - 5} more` : ''}`,
    );
  return [...new Set(keys)];
}

/** A batch's filter must be valid and not empty. */
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
