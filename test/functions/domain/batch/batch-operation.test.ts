import { describe, expect, it } from 'vitest';
import { type BatchShard, finalStateOf, isShardFinished, progressOf } from '#domain/batch/batch-operation.ts';

const shard = (overrides: Partial<BatchShard>): BatchShard => ({
  shard: 0,
  state: 'EXECUTING',
  totalCount: 0,
  chunkCount: 0,
  chunksDone: 0,
  completedCount: 0,
  failedCount: 0,
  ...overrides,
});

describe('batch operation', () => {
  it('is COMPLETED when every shard finished, even with failed items', () => {
    expect(finalStateOf([shard({ failedCount: 3 }), shard({ shard: 1 })])).toBe('COMPLETED');
  });

  it('is PARTIALLY_COMPLETED when some shards failed and others did not', () => {
    expect(finalStateOf([shard({ state: 'FAILED' }), shard({ shard: 1 })])).toBe('PARTIALLY_COMPLETED');
  });

  it('is FAILED when every shard failed', () => {
    expect(finalStateOf([shard({ state: 'FAILED' }), shard({ shard: 1, state: 'FAILED' })])).toBe('FAILED');
  });

  it('counts a shard as finished only after initialization and all its chunks', () => {
    expect(isShardFinished(shard({ state: 'INITIALIZING' }))).toBe(false);
    expect(isShardFinished(shard({ chunkCount: 2, chunksDone: 1 }))).toBe(false);
    expect(isShardFinished(shard({ chunkCount: 2, chunksDone: 2 }))).toBe(true);
    expect(isShardFinished(shard({ chunkCount: 0 }))).toBe(true);
    expect(isShardFinished(shard({ state: 'FAILED', chunkCount: 5 }))).toBe(true);
  });

  it('sums the shard counters, collects their errors and aggregates why items failed', () => {
    // Prepare
    const error = { partitionId: 1, type: 'QUERY_FAILED' as const, message: 'boom' };
    // Act
    const progress = progressOf([
      shard({
        totalCount: 10,
        completedCount: 7,
        failedCount: 3,
        itemErrors: { 'is COMPLETED': 2, gone: 1 },
      }),
      shard({ shard: 1, state: 'FAILED', error }),
      shard({ shard: 2, totalCount: 5, completedCount: 5, itemErrors: { gone: 2 } }),
    ]);
    // Assess
    expect(progress).toEqual({
      operationsTotalCount: 15,
      operationsCompletedCount: 12,
      operationsFailedCount: 3,
      errors: [error],
      itemErrorSummary: [
        { errorMessage: 'gone', count: 3 },
        { errorMessage: 'is COMPLETED', count: 2 },
      ],
    });
  });
});
