import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import type { BatchOperation } from '#domain/batch/batch-operation.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

let dynamo: TestDynamo;
let store: DynamoBatchStore;
let nextKey = 1;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoBatchStore(dynamo.db, 'Batches');
});
afterAll(() => dynamo.stop());

function batch(shardCount = 2): BatchOperation {
  return {
    batchOperationKey: String(900 + nextKey++),
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    state: 'CREATED',
    filter: { processDefinitionId: 'order-process' },
    shardCount,
    startDate: '2026-01-01T00:00:00.000Z',
    claims: { principal: 'tester' },
  };
}

describe('DynamoBatchStore', () => {
  it('stores a batch with one INITIALIZING counter record per shard', async () => {
    // Prepare
    const created = batch(3);
    // Act
    await store.createBatch(created);
    const found = await store.getBatch(created.batchOperationKey);
    // Assess
    expect(found?.batch).toEqual(created);
    expect(found?.shards.map((shard) => [shard.shard, shard.state, shard.chunksDone])).toEqual([
      [0, 'INITIALIZING', 0],
      [1, 'INITIALIZING', 0],
      [2, 'INITIALIZING', 0],
    ]);
  });

  it('refuses to create the same batch twice', async () => {
    const created = batch();
    await store.createBatch(created);
    await expect(store.createBatch(created)).rejects.toThrow();
  });

  it('activates a created batch and remembers the execution running it, also a recovery execution', async () => {
    const created = batch();
    await store.createBatch(created);
    await store.activateBatch(created.batchOperationKey, 'arn:one');
    expect((await store.getBatch(created.batchOperationKey))?.batch).toMatchObject({
      state: 'ACTIVE',
      executionArn: 'arn:one',
    });
    await store.transitionBatch(created.batchOperationKey, { from: ['ACTIVE'], to: 'SUSPENDED' });
    await store.activateBatch(created.batchOperationKey, 'arn:recovery');
    expect((await store.getBatch(created.batchOperationKey))?.batch).toMatchObject({
      state: 'SUSPENDED',
      executionArn: 'arn:recovery',
    });
  });

  it('lists the batches that may still need their execution, not those that ended otherwise', async () => {
    const [running, canceled, completed] = [batch(), batch(), batch()];
    for (const created of [running, canceled, completed]) await store.createBatch(created);
    await store.transitionBatch(canceled.batchOperationKey, { from: ['CREATED'], to: 'CANCELED' });
    await store.finishBatch(completed.batchOperationKey, 'COMPLETED', new Date().toISOString());
    const listed: string[] = [];
    for await (const found of store.unfinishedBatches()) listed.push(found.batchOperationKey);
    expect(listed).toEqual(expect.arrayContaining([running.batchOperationKey, canceled.batchOperationKey]));
    expect(listed).not.toContain(completed.batchOperationKey);
  });

  it('moves a batch to a final state once', async () => {
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    expect(await store.finishBatch(key, 'COMPLETED', '2026-01-02T00:00:00.000Z')).toBe(true);
    expect(await store.finishBatch(key, 'FAILED', '2026-01-03T00:00:00.000Z', 'late')).toBe(false);
    expect((await store.getBatch(key))?.batch).toMatchObject({
      state: 'COMPLETED',
      endDate: '2026-01-02T00:00:00.000Z',
    });
  });
});
