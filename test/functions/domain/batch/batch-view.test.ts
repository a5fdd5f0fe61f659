import { describe, expect, it } from 'vitest';
import type { BatchOperation, BatchShard } from '#domain/batch/batch-operation.ts';
import { currentItemsPerSecond, estimatedEndDate, shardStateAsRead } from '#domain/batch/batch-view.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const batchIn = (state: BatchOperation['state']): BatchOperation => ({
  batchOperationKey: '1',
  batchOperationType: 'CANCEL_PROCESS_INSTANCE',
  state,
  shardCount: 2,
  startDate: '2026-03-01T11:00:00.000Z',
  claims: {},
});
const shard = (fields: Partial<BatchShard>): BatchShard => ({
  shard: 0,
  state: 'EXECUTING',
  totalCount: 10,
  chunkCount: 1,
  chunksDone: 0,
  completedCount: 0,
  failedCount: 0,
  ...fields,
});
const rateAt = (itemsPerSecond: number, secondsAgo: number) => ({
  itemsPerSecond,
  at: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
});

describe('a shard as read', () => {
  it('reads COMPLETED once every item of it was processed, even though it stores EXECUTING', () => {
    const done = shard({ chunksDone: 1, completedCount: 8, failedCount: 2 });
    expect(shardStateAsRead(batchIn('ACTIVE'), done)).toBe('COMPLETED');
    expect(shardStateAsRead(batchIn('COMPLETED'), done)).toBe('COMPLETED');
  });

  it('reads CANCELED when its batch ended before its items were processed', () => {
    expect(shardStateAsRead(batchIn('CANCELED'), shard({ chunksDone: 1, completedCount: 3 }))).toBe(
      'CANCELED',
    );
    expect(shardStateAsRead(batchIn('CANCELED'), shard({ state: 'INITIALIZING' }))).toBe('CANCELED');
  });

  it('keeps FAILED and, while the batch runs, the stored state of a shard still working', () => {
    expect(shardStateAsRead(batchIn('PARTIALLY_COMPLETED'), shard({ state: 'FAILED' }))).toBe('FAILED');
    expect(shardStateAsRead(batchIn('ACTIVE'), shard({ completedCount: 4 }))).toBe('EXECUTING');
    expect(shardStateAsRead(batchIn('ACTIVE'), shard({ state: 'INITIALIZING' }))).toBe('INITIALIZING');
  });
});

describe('the current rate and the estimated end', () => {
  it('sums the fresh rates of the shards and leaves out those older than ten seconds', () => {
    const shards = [
      shard({ recentRate: rateAt(2.5, 1) }),
      shard({ shard: 1, recentRate: rateAt(1.25, 3) }),
      shard({ shard: 2, recentRate: rateAt(100, 11) }),
    ];
    expect(currentItemsPerSecond(batchIn('ACTIVE'), shards, NOW)).toBe(3.75);
  });

  it('estimates the end from the items left at the current rate', () => {
    const shards = [shard({ completedCount: 4, recentRate: rateAt(2, 0) })];
    expect(estimatedEndDate(batchIn('ACTIVE'), shards, NOW)).toBe('2026-03-01T12:00:03.000Z');
  });

  it('is null once the batch has ended, while it waits, and while nothing moves or its size is unknown', () => {
    const moving = [shard({ recentRate: rateAt(2, 0) })];
    for (const state of ['COMPLETED', 'CANCELED', 'CREATED', 'SUSPENDED'] as const) {
      expect(currentItemsPerSecond(batchIn(state), moving, NOW)).toBeNull();
      expect(estimatedEndDate(batchIn(state), moving, NOW)).toBeNull();
    }
    expect(estimatedEndDate(batchIn('ACTIVE'), [shard({})], NOW)).toBeNull();
    expect(currentItemsPerSecond(batchIn('ACTIVE'), [shard({})], NOW)).toBe(0);
    const initializing = [...moving, shard({ shard: 1, state: 'INITIALIZING' })];
    expect(estimatedEndDate(batchIn('ACTIVE'), initializing, NOW)).toBeNull();
  });
});
