import { instanceScopeOf, isGranted } from '#domain/authorization/permissions.ts';
import type { BatchControls, BatchOperationType } from '#domain/batch/batch-operation.ts';
import { type CreateBatchRequest, createBatch } from '#domain/creation/create-batch.ts';
import { NotFoundError } from '#domain/errors.ts';
import { operationCreatedAt, operationHandlerFor } from '#domain/operations/registry.ts';
import { callerContext, forbidden } from './authorization.ts';
import { readBatchRequest } from './batch-requests.ts';
import { type HttpEvent, type HttpResult, header, json, jsonApi } from './http.ts';
import { logger } from './logger.ts';
import { MetricName, recordMetrics } from './metrics.ts';
import { batchScheduler, engine, now, services } from './services.ts';

/**
 * Creates a batch for an API request: the caller's claims and Idempotency-Key come from the request,
 * and a replay answers with the batch the key created before (not counted as a new batch).
 */
export async function createBatchForRequest(
  event: HttpEvent,
  batchOperationType: BatchOperationType,
  items: CreateBatchRequest['items'],
  controls: BatchControls,
  parameters?: Record<string, unknown>,
): Promise<HttpResult> {
  const { batches, keys, workflow, config, audit } = services();
  // Camunda's rule: BATCH CREATE, or the type's own CREATE_BATCH_OPERATION_<TYPE>; refused before anything is stored.
  const { caller, permissions, claims } = callerContext(event);
  const operation = operationHandlerFor(batchOperationType);
  if (!isGranted(permissions, 'BATCH', 'CREATE') && !isGranted(permissions, 'BATCH', operation.permission))
    throw forbidden('BATCH', ['CREATE', operation.permission]);
  const { replayed, ...created } = await createBatch(
    {
      batches,
      keys,
      workflow,
      scheduler: batchScheduler(),
      engine: engine(),
      shardCount: config.SHARD_COUNT,
      chunkSize: config.CHUNK_SIZE,
      now,
    },
    {
      batchOperationType,
      items,
      controls,
      parameters,
      claims,
      actor: { actorType: caller.actorType, actorId: caller.actorId },
      scope: instanceScopeOf(permissions, operation.itemPermission),
      idempotencyKey: header(event, 'Idempotency-Key'),
    },
  );
  if (replayed) {
    logger.info('Idempotent replay: answered with the batch this key created', created);
    return json(200, created);
  }
  logger.info('Batch created', created);
  const entry = { actorType: caller.actorType, actorId: caller.actorId, timestamp: now().toISOString() };
  const source = 'failedItemsOf' in items ? items.failedItemsOf : undefined;
  await Promise.all([
    audit.record({
      ...entry,
      batchOperationKey: created.batchOperationKey,
      action: 'CREATE',
      ...(source ? { relatedBatchOperationKey: source } : {}),
    }),
    ...(source
      ? [
          audit.record({
            ...entry,
            batchOperationKey: source,
            action: 'RETRY',
            relatedBatchOperationKey: created.batchOperationKey,
          }),
        ]
      : []),
  ]);
  recordMetrics({ OperationType: created.batchOperationType }, [
    { name: MetricName.BatchesCreated, unit: 'Count', value: 1 },
  ]);
  return json(200, created);
}

/**
 * The handler of every creation route: the operation whose creation path the route is (its route
 * key, `POST /v2/...`), its request read and its batch created.
 */
export const batchCreationHandler = jsonApi(async (event) => {
  const path = event.routeKey.replace(/^POST /, '');
  const operation = operationCreatedAt(path);
  if (!operation) throw new NotFoundError(`No batch operation is created at ${path}`);
  const { batchOperationType, selection, controls, parameters } = await readBatchRequest(operation, event);
  return createBatchForRequest(event, batchOperationType, selection, controls, parameters);
});
