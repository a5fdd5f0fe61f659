import { expect } from 'vitest';
import { services } from '#commons/services.ts';
import { type BatchOperationState, FINAL_BATCH_STATES, finalStateOf } from '#domain/batch/batch-operation.ts';
import { type Chunk, errorSummaryLine, type ItemOutcome } from '#domain/batch/chunk.ts';
import { shardOf } from '#domain/keys.ts';
import { ISO_DATE_TIME } from './dates.ts';

/** The batch as GET /v2/batch-operations/{key} returns it (the fields the invariants read). */
export interface BatchBody {
  batchOperationKey: string;
  state: string;
  endDate: string | null;
  operationsTotalCount: number;
  operationsCompletedCount: number;
  operationsFailedCount: number;
  errors: { partitionId: number; type: string; message: string }[];
  itemErrorSummary: { errorMessage: string; count: number }[];
}

export interface BatchRecord {
  chunks: Chunk[];
  items: ItemOutcome[];
  /** Items per state, e.g. `{ COMPLETED: 50, FAILED: 3 }`. */
  itemStates: Record<string, number>;
}

/**
 * "Nothing lost, nothing counted twice", checked on a batch that reached its final state, from the
 * chunk records, the shard records and the instances themselves:
 * - the batch is in `expected.state`, has an end date, and that state is the leader's verdict on its shards;
 * - every chunk is recorded (DONE) and no item is left pending: nothing is stuck;
 * - the items are exactly the instances the filter matched in the shards that did not fail, each once;
 * - total = number of items = completed + failed, and each count equals the items in that state,
 *   per shard and for the batch; every shard ran all its chunks;
 * - an item is COMPLETED exactly when its instance carries the batch (the batch changed it, once: the
 *   store refuses a second change), and an instance outside the items was not touched;
 * - every FAILED item says why, and the batch's error summary aggregates exactly those reasons.
 */
export async function assertBatchInvariants(
  batch: BatchBody,
  expected: {
    state: BatchOperationState;
    /** The instances the filter matched, by key, in all shards. */
    matching: readonly string[];
  },
): Promise<BatchRecord> {
  const { batches, chunks: chunkStore, instances, config } = services();
  const key = batch.batchOperationKey;
  const stored = await batches.getBatch(key);
  const chunks: Chunk[] = [];
  for await (const chunk of chunkStore.read({ batchOperationKey: key })) chunks.push(chunk);
  const items = chunks.flatMap((chunk) => chunk.items);
  const itemStates = countBy(items, (item) => item.state);

  // The final state, as the leader aggregates the shards.
  expect(FINAL_BATCH_STATES).toContain(batch.state);
  expect(batch.state).toBe(expected.state);
  expect(batch.endDate).toMatch(ISO_DATE_TIME);
  expect(stored?.batch.state).toBe(batch.state);
  const shards = stored?.shards ?? [];
  expect(shards).toHaveLength(config.SHARD_COUNT);
  expect(finalStateOf(shards)).toBe(batch.state);

  // Nothing stuck, nothing lost, nothing twice.
  expect(chunks.filter((chunk) => chunk.state !== 'DONE')).toEqual([]);
  expect(itemStates.ACTIVE ?? 0).toBe(0);
  const itemKeys = items.map((item) => item.processInstanceKey);
  expect(new Set(itemKeys).size).toBe(itemKeys.length);
  const failedShards = new Set(shards.filter((shard) => shard.state === 'FAILED').map((s) => s.shard));
  const expectedItems = expected.matching.filter(
    (instanceKey) => !failedShards.has(shardOf(instanceKey, config.SHARD_COUNT)),
  );
  expect([...itemKeys].sort()).toEqual([...expectedItems].sort());

  // Counters = item states = total, per shard and in all.
  const completed = items.filter((item) => item.state === 'COMPLETED' || item.state === 'SKIPPED').length;
  const failed = items.filter((item) => item.state === 'FAILED').length;
  expect(batch.operationsTotalCount).toBe(items.length);
  expect(batch.operationsCompletedCount).toBe(completed);
  expect(batch.operationsFailedCount).toBe(failed);
  expect(completed + failed).toBe(batch.operationsTotalCount);
  for (const shard of shards) {
    const own = chunks.filter((chunk) => chunk.shard === shard.shard);
    const ownItems = own.flatMap((chunk) => chunk.items);
    if (shard.state === 'FAILED') {
      expect(shard.error?.type).toBe('QUERY_FAILED');
      expect(own).toEqual([]);
      continue;
    }
    expect(shard).toMatchObject({
      state: 'EXECUTING',
      totalCount: ownItems.length,
      chunkCount: own.length,
      chunksDone: own.length,
      completedCount: ownItems.filter((item) => item.state === 'COMPLETED' || item.state === 'SKIPPED')
        .length,
      failedCount: ownItems.filter((item) => item.state === 'FAILED').length,
    });
  }

  // The instances: changed by this batch exactly when their item is COMPLETED.
  const outcome = new Map(items.map((item) => [item.processInstanceKey, item]));
  for (const instanceKey of expected.matching) {
    const instance = await instances.getInstance(instanceKey);
    const carriesBatch = instance?.batchOperationIds.includes(key) ?? false;
    expect({ instanceKey, carriesBatch }).toEqual({
      instanceKey,
      carriesBatch: outcome.get(instanceKey)?.state === 'COMPLETED',
    });
  }

  // Every failure has a reason, and the summary aggregates exactly those reasons.
  for (const item of items) {
    expect(item.processedDate).toMatch(ISO_DATE_TIME);
    if (item.state === 'FAILED') expect(item.errorMessage).toMatch(/\S/);
    if (item.state === 'COMPLETED') expect(item.errorMessage).toBeUndefined();
  }
  const reasons = countBy(
    items.filter((item) => item.state === 'FAILED'),
    errorSummaryLine,
  );
  expect(Object.fromEntries(batch.itemErrorSummary.map((line) => [line.errorMessage, line.count]))).toEqual(
    reasons,
  );
  return { chunks, items, itemStates };
}

function countBy<T>(values: readonly T[], keyOf: (value: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[keyOf(value)] = (counts[keyOf(value)] ?? 0) + 1;
  return counts;
}
