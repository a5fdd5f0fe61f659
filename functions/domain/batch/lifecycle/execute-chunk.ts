import type { BatchStore } from '../../../ports/batch-store.ts';
import type { ProcessInstanceStore } from '../../../ports/instance-store.ts';
import type { OperationHandler } from '../../operations/operation-handler.ts';
import { operationHandlerFor } from '../../operations/registry.ts';
import { type ChunkId, type ItemOutcome, tallyOf } from '../chunk.ts';

export interface ExecuteChunkDeps {
  batches: BatchStore;
  instances: ProcessInstanceStore;
  concurrency: number;
  now: () => Date;
}

export type ChunkExecution = 'executed' | 'duplicate' | 'batch-not-active';

/**
 * Phase 3, Execution of one chunk: apply the batch's command to every pending item with bounded
 * concurrency, then record all outcomes and move the shard's counters in one transaction that
 * succeeds once per chunk. A redelivered or resumed chunk re-applies nothing: the store's condition
 * refuses a second change by the same batch and the item is recognized as already done.
 */
export async function executeChunk(deps: ExecuteChunkDeps, id: ChunkId): Promise<ChunkExecution> {
  const found = await deps.batches.getBatch(id.batchOperationKey);
  if (found?.batch.state !== 'ACTIVE') return 'batch-not-active';
  const chunk = await deps.batches.getChunk(id);
  if (!chunk || chunk.state === 'DONE') return 'duplicate';

  const handler = operationHandlerFor(found.batch.batchOperationType);
  const outcomes = await mapWithConcurrency(chunk.items, deps.concurrency, (item) =>
    item.state === 'ACTIVE' ? executeItem(deps, handler, id.batchOperationKey, item) : Promise.resolve(item),
  );
  const recorded = await deps.batches.completeChunk(id, outcomes, tallyOf(outcomes));
  return recorded ? 'executed' : 'duplicate';
}

async function executeItem(
  deps: ExecuteChunkDeps,
  handler: OperationHandler,
  batchOperationKey: string,
  item: ItemOutcome,
): Promise<ItemOutcome> {
  const key = item.processInstanceKey;
  const result = await deps.instances.applyCommand(
    key,
    batchOperationKey,
    handler.command(deps.now().toISOString()),
  );
  const processedDate = deps.now().toISOString();
  if (result.applied || result.current?.batchOperationIds.includes(batchOperationKey)) {
    return { ...item, state: 'COMPLETED', processedDate };
  }
  const errorMessage = result.current ? handler.rejection(result.current) : handler.missing(key);
  return { ...item, state: 'FAILED', processedDate, errorMessage };
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
