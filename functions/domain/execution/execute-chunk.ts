import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import { type BatchOperation, type BatchOperationType, progressOf } from '../batch/batch-operation.ts';
import {
  boundedErrorMessage,
  type ChunkId,
  errorMessageBudget,
  type ItemOutcome,
  tallyOf,
} from '../batch/chunk.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import type { EngineDeps } from '../instance/engine-step.ts';
import { applyOperation } from '../operations/apply-operation.ts';
import type { ItemErrorClass, OperationHandler } from '../operations/operation-handler.ts';
import { operationHandlerFor } from '../operations/registry.ts';
import { accountUnprocessedChunk } from './account-unprocessed-chunk.ts';

/** The batch store, and the engine's stores an operation reads and writes. */
export interface ExecuteChunkDeps extends EngineDeps {
  batches: BatchStore;
  chunks: ChunkStore;
  concurrency: number;
  sleep: (ms: number) => Promise<void>;
}

export type { ItemErrorClass };

export type ChunkExecution =
  | {
      status: 'executed';
      batchOperationType: BatchOperationType;
      completed: number;
      failed: number;
      failedByClass: Partial<Record<ItemErrorClass, number>>;
      /** This chunk pushed the batch over its failure threshold: the batch ended FAILED. */
      thresholdExceeded?: string;
    }
  /** The batch ended before this chunk ran: its unprocessed items were accounted for as CANCELED. */
  | { status: 'canceled'; batchOperationType: BatchOperationType; completed: number; failed: number }
  /** Suspended (or not yet started): the chunk stays pending; resumption sends it again. */
  | { status: 'duplicate' | 'batch-suspended' | 'unknown-batch' };

/**
 * Phase 3, Execution of one chunk: apply the batch's command to every pending item with bounded
 * concurrency, then record all outcomes and move the shard's counters in one transaction that
 * succeeds once per chunk. A redelivered or resumed chunk re-applies nothing: the store's condition
 * refuses a second change by the same batch and the item is recognized as already done.
 */
export async function executeChunk(deps: ExecuteChunkDeps, id: ChunkId): Promise<ChunkExecution> {
  const [found, chunk] = await Promise.all([
    deps.batches.getBatch(id.batchOperationKey),
    deps.chunks.getChunk(id),
  ]);
  if (!found) return { status: 'unknown-batch' };
  if (!chunk || chunk.state === 'DONE') return { status: 'duplicate' };
  const { state, batchOperationType } = found.batch;
  if (state === 'CREATED' || state === 'SUSPENDED') return { status: 'batch-suspended' };
  if (state !== 'ACTIVE') {
    const accounted = await accountUnprocessedChunk(
      deps,
      id,
      batchOperationType,
      state === 'CANCELED'
        ? { state: 'CANCELED' }
        : { state: 'CANCELED', errorMessage: `The batch ended ${state} before this item was processed` },
      chunk,
    );
    return accounted.status === 'accounted' ? { ...accounted, status: 'canceled' } : { status: 'duplicate' };
  }

  const handler = operationHandlerFor(batchOperationType);
  const failedByClass: Partial<Record<ItemErrorClass, number>> = {};
  const pace = pacing(deps, found.batch);
  const messageBytes = errorMessageBudget(chunk.items.length);
  const outcomes = await mapWithConcurrency(chunk.items, deps.concurrency, async (item, index) => {
    if (item.state !== 'ACTIVE') return item;
    await pace(index);
    const { outcome, errorClass } = await executeItem(deps, handler, found.batch, item, messageBytes);
    if (errorClass) failedByClass[errorClass] = (failedByClass[errorClass] ?? 0) + 1;
    return outcome;
  });
  const tally = tallyOf(outcomes);
  const recorded = await deps.chunks.completeChunk(id, outcomes, tally);
  if (!recorded) return { status: 'duplicate' };
  return {
    status: 'executed',
    batchOperationType,
    completed: tally.completed,
    failed: tally.failed,
    failedByClass,
    thresholdExceeded: tally.failed > 0 ? await enforceFailureThreshold(deps, found.batch) : undefined,
  };
}

/**
 * The batch's rate limit, shared evenly by its shards (one chunk per shard runs at a time): item
 * `index` of the chunk starts no earlier than `index / rate` seconds after the chunk began.
 */
function pacing(deps: ExecuteChunkDeps, batch: BatchOperation) {
  if (!batch.itemsPerSecond) return async (_index: number) => undefined;
  const perShard = batch.itemsPerSecond / batch.shardCount;
  const started = deps.now().getTime();
  return async (index: number) => {
    const wait = started + (index * 1000) / perShard - deps.now().getTime();
    if (wait > 0) await deps.sleep(wait);
  };
}

/**
 * Ends the batch FAILED once more than the threshold's share of its processed items failed (and at
 * least its minimum were processed). The remaining chunks are then accounted for as not processed.
 */
async function enforceFailureThreshold(deps: ExecuteChunkDeps, batch: BatchOperation) {
  if (!batch.failureThreshold) return undefined;
  const { percentage, minProcessedItems } = batch.failureThreshold;
  const current = await deps.batches.getBatch(batch.batchOperationKey);
  if (!current) return undefined;
  const { operationsCompletedCount, operationsFailedCount } = progressOf(current.shards);
  const processed = operationsCompletedCount + operationsFailedCount;
  if (processed < minProcessedItems || operationsFailedCount * 100 <= percentage * processed)
    return undefined;
  const reason = `Failure threshold exceeded: ${operationsFailedCount} of ${processed} processed items failed, more than ${percentage}%`;
  const ended = await deps.batches.finishBatch(
    batch.batchOperationKey,
    'FAILED',
    deps.now().toISOString(),
    reason,
  );
  return ended ? reason : undefined;
}

async function executeItem(
  deps: ExecuteChunkDeps,
  handler: OperationHandler,
  batch: BatchOperation,
  item: ItemOutcome,
  messageBytes: number,
): Promise<{ outcome: ItemOutcome; errorClass?: ItemErrorClass }> {
  const result = await applyOperation(deps, handler, {
    batchOperationKey: batch.batchOperationKey,
    processInstanceKey: item.processInstanceKey,
    parameters: batch.parameters,
  });
  const processedDate = deps.now().toISOString();
  if (result.state === 'COMPLETED') return { outcome: { ...item, state: 'COMPLETED', processedDate } };
  return {
    outcome: {
      ...item,
      state: 'FAILED',
      processedDate,
      errorMessage: boundedErrorMessage(result.errorMessage, messageBytes),
    },
    errorClass: result.errorClass,
  };
}
