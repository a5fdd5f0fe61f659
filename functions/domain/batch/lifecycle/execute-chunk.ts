import type { BatchStore } from '../../../ports/batch-store.ts';
import type { ProcessInstanceStore } from '../../../ports/instance-store.ts';
import type { OperationHandler } from '../../operations/operation-handler.ts';
import { operationHandlerFor } from '../../operations/registry.ts';
import type { BatchOperationType } from '../batch-operation.ts';
import { type ChunkId, type ItemOutcome, tallyOf } from '../chunk.ts';

export interface ExecuteChunkDeps {
  batches: BatchStore;
  instances: ProcessInstanceStore;
  concurrency: number;
  now: () => Date;
}

/** Why an item failed, as a low-cardinality class (a metric dimension): the instance was gone or in the wrong state. */
export type ItemErrorClass = 'NOT_FOUND' | 'INVALID_STATE';

export type ChunkExecution =
  | {
      status: 'executed';
      batchOperationType: BatchOperationType;
      completed: number;
      failed: number;
      failedByClass: Partial<Record<ItemErrorClass, number>>;
    }
  | { status: 'duplicate' | 'batch-not-active' };

/**
 * Phase 3, Execution of one chunk: apply the batch's command to every pending item with bounded
 * concurrency, then record all outcomes and move the shard's counters in one transaction that
 * succeeds once per chunk. A redelivered or resumed chunk re-applies nothing: the store's condition
 * refuses a second change by the same batch and the item is recognized as already done.
 */
export async function executeChunk(deps: ExecuteChunkDeps, id: ChunkId): Promise<ChunkExecution> {
  const found = await deps.batches.getBatch(id.batchOperationKey);
  if (found?.batch.state !== 'ACTIVE') return { status: 'batch-not-active' };
  const chunk = await deps.batches.getChunk(id);
  if (!chunk || chunk.state === 'DONE') return { status: 'duplicate' };

  const handler = operationHandlerFor(found.batch.batchOperationType);
  const failedByClass: Partial<Record<ItemErrorClass, number>> = {};
  const outcomes = await mapWithConcurrency(chunk.items, deps.concurrency, async (item) => {
    if (item.state !== 'ACTIVE') return item;
    const { outcome, errorClass } = await executeItem(deps, handler, id.batchOperationKey, item);
    if (errorClass) failedByClass[errorClass] = (failedByClass[errorClass] ?? 0) + 1;
    return outcome;
  });
  const tally = tallyOf(outcomes);
  const recorded = await deps.batches.completeChunk(id, outcomes, tally);
  if (!recorded) return { status: 'duplicate' };
  return { status: 'executed', batchOperationType: found.batch.batchOperationType, ...tally, failedByClass };
}

async function executeItem(
  deps: ExecuteChunkDeps,
  handler: OperationHandler,
  batchOperationKey: string,
  item: ItemOutcome,
): Promise<{ outcome: ItemOutcome; errorClass?: ItemErrorClass }> {
  const key = item.processInstanceKey;
  const result = await deps.instances.applyCommand(
    key,
    handler.command(deps.now().toISOString()),
    batchOperationKey,
  );
  const processedDate = deps.now().toISOString();
  if (result.applied || result.current?.batchOperationIds.includes(batchOperationKey)) {
    return { outcome: { ...item, state: 'COMPLETED', processedDate } };
  }
  if (!result.current) {
    return {
      outcome: { ...item, state: 'FAILED', processedDate, errorMessage: handler.missing(key) },
      errorClass: 'NOT_FOUND',
    };
  }
  return {
    outcome: { ...item, state: 'FAILED', processedDate, errorMessage: handler.rejection(result.current) },
    errorClass: 'INVALID_STATE',
  };
}

/**
 * Runs `work` over `items` with at most `limit` in flight, keeping the order of results. After the
 * first failure no new item is started, so a failed chunk stops writing before it is retried.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
