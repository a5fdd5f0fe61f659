import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchScheduler } from '#ports/batch-scheduler.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { Engine } from '#ports/engine.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import type { InstanceScope } from '../authorization/permissions.ts';
import {
  type AuthorizationClaims,
  type BatchControls,
  type BatchOperationType,
  FINAL_BATCH_STATES,
} from '../batch/batch-operation.ts';
import {
  IdempotencyConflictError,
  InvalidArgumentError,
  InvalidStateError,
  NotFoundError,
} from '../errors.ts';
import type { InstanceSelection } from '../initialization/item-provider/batch-item-keys.ts';
import { validateSelectionOn } from '../initialization/item-provider/item-source.ts';
import { shardCountOn } from '../initialization/item-provider/shard-items.ts';
import { operationHandlerFor } from '../operations/registry.ts';
import {
  IDEMPOTENCY_KEY_TTL_SECONDS,
  idempotencyScope,
  requestHash,
  validateIdempotencyKey,
} from './idempotency.ts';
import { rateProblem } from './rate-limit.ts';

export interface CreateBatchDeps {
  batches: BatchStore;
  keys: KeyGenerator;
  workflow: BatchExecutions;
  /** Where a batch with a `startAt` waits for its time, holding no execution (none: no scheduled starts). */
  scheduler?: BatchScheduler;
  /** The engine the batch will act on: whether it can run the type, and how its items are split. */
  engine: Pick<Engine, 'kind' | 'selectionSplit' | 'unsupported' | 'validateSelection'>;
  /** The configured shard count (an engine read whole has one shard). */
  shardCount: number;
  chunkSize: number;
  now: () => Date;
}

export interface CreateBatchRequest {
  batchOperationType: BatchOperationType;
  /**
   * The instances to act on: a filter and/or a list of keys (their union), or the failed items of an
   * earlier batch (a retry).
   */
  items: InstanceSelection | { failedItemsOf: string };
  claims: AuthorizationClaims;
  /** Who creates it (Camunda's actor) and what it may touch, resolved from its permissions now. */
  actor?: { actorType: 'USER' | 'CLIENT'; actorId: string };
  scope?: InstanceScope;
  controls?: BatchControls;
  /** The operation's own request fields, validated by the caller (a retry takes its source's). */
  parameters?: Record<string, unknown>;
  /** The caller's Idempotency-Key header: the same key with the same request creates one batch. */
  idempotencyKey?: string;
}

/**
 * Phase 1, Creation (inside the API call): validate the request, allocate the batch key, store the
 * batch with the caller's claims and start its execution. The filter is validated here so a bad one
 * is a 400 now, not a failed batch later. With an Idempotency-Key, a repeated request answers with
 * the batch the first one created.
 */
export async function createBatch(deps: CreateBatchDeps, request: CreateBatchRequest) {
  validateIdempotencyKey(request.idempotencyKey);
  const selection =
    'failedItemsOf' in request.items
      ? undefined
      : validateSelectionOn(deps.engine, operationHandlerFor(request.batchOperationType), request.items);
  const source =
    'failedItemsOf' in request.items ? await retrySource(deps, request.items.failedItemsOf) : undefined;
  // Asked before anything is stored: an engine that cannot run the type, or cannot be reached, is a refusal now.
  const unsupported = await deps.engine.unsupported(request.batchOperationType);
  if (unsupported) {
    throw new InvalidArgumentError(
      `The configured engine (${deps.engine.kind}) cannot run ${request.batchOperationType} batches: ${unsupported}`,
    );
  }
  const shardCount = source?.shardCount ?? shardCountOn(deps.engine, deps.shardCount);
  const parameters = request.parameters ?? source?.parameters;
  validateRate(request.controls?.itemsPerSecond, shardCount, deps.chunkSize);
  const now = deps.now();
  const controls = knownControls(request.controls, now);
  if (controls.startAt && !deps.scheduler)
    throw new InvalidArgumentError('startAt is not available here: this caller has no scheduler');
  const [batchOperationKey] = await deps.keys.nextKeys(1);
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
      ...request.actor,
      ...(request.scope ? { scope: request.scope } : {}),
      ...(parameters ? { parameters } : {}),
      ...controls,
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
      throw new IdempotencyConflictError(
        `Idempotency-Key '${request.idempotencyKey}' was already used with a different request; use a new key for a new request`,
      );
    }
    return {
      batchOperationKey: creation.batchOperationKey,
      batchOperationType: request.batchOperationType,
      replayed: true,
    };
  }
  try {
    if (controls.startAt && deps.scheduler)
      await deps.scheduler.schedule({ batchOperationKey, action: 'start' }, new Date(controls.startAt));
    else await deps.workflow.start(batchOperationKey);
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

/**
 * Only the known controls: a body spread into `controls` must not smuggle other fields onto the
 * batch. A start time is kept in UTC, and must lie ahead.
 */
function knownControls(controls: BatchControls | undefined, now: Date): BatchControls {
  const startAt = controls?.startAt === undefined ? undefined : new Date(controls.startAt);
  if (startAt && startAt.getTime() <= now.getTime())
    throw new InvalidArgumentError(
      `startAt must lie in the future (it is ${controls?.startAt}, now is ${now.toISOString()}); leave it out to start now`,
    );
  return {
    ...(controls?.itemsPerSecond !== undefined ? { itemsPerSecond: controls.itemsPerSecond } : {}),
    ...(controls?.failureThreshold ? { failureThreshold: controls.failureThreshold } : {}),
    ...(controls?.priority !== undefined ? { priority: controls.priority } : {}),
    ...(startAt ? { startAt: startAt.toISOString() } : {}),
    ...(controls?.windows ? { windows: controls.windows } : {}),
  };
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
  const problem =
    itemsPerSecond === undefined ? undefined : rateProblem(itemsPerSecond, shardCount, chunkSize);
  if (problem) throw new InvalidArgumentError(problem);
}
