import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import type { BatchOperation } from '#domain/batch/batch-operation.ts';
import { type Chunk, pendingItem, tallyOf } from '#domain/batch/chunk.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

let dynamo: TestDynamo;
let store: DynamoBatchStore;
let chunks: DynamoChunkStore;
let nextKey = 1;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoBatchStore(dynamo.db, 'Batches');
  chunks = new DynamoChunkStore(dynamo.db, 'Batches', 'BatchItems');
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

function chunk(batchOperationKey: string, shard: number, number: number, keys: string[]): Chunk {
  return { batchOperationKey, shard, chunk: number, state: 'PENDING', items: keys.map(pendingItem) };
}

describe('DynamoChunkStore', () => {
  it('adds a chunk to its shard counters exactly once, however often it is completed', async () => {
    // Prepare
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    await chunks.putChunks([chunk(key, 1, 0, ['11', '12', '13'])]);
    await chunks.finishShardInitialization(key, 1, { totalCount: 3, chunkCount: 1 });
    const outcomes = [
      { ...pendingItem('11'), state: 'COMPLETED' as const },
      { ...pendingItem('12'), state: 'COMPLETED' as const },
      { ...pendingItem('13'), state: 'FAILED' as const, errorMessage: 'no' },
    ];
    // Act
    const first = await chunks.completeChunk(
      { batchOperationKey: key, shard: 1, chunk: 0 },
      outcomes,
      tallyOf(outcomes),
    );
    const second = await chunks.completeChunk(
      { batchOperationKey: key, shard: 1, chunk: 0 },
      outcomes,
      tallyOf(outcomes),
    );
    // Assess
    expect([first, second]).toEqual([true, false]);
    const shard = (await store.getBatch(key))?.shards[1];
    expect(shard).toMatchObject({
      state: 'EXECUTING',
      totalCount: 3,
      chunkCount: 1,
      chunksDone: 1,
      completedCount: 2,
      failedCount: 1,
      itemErrors: { no: 1 },
    });
    expect((await chunks.getChunk({ batchOperationKey: key, shard: 1, chunk: 0 }))?.items).toEqual(outcomes);
  });

  it('drops chunks an interrupted initialization left beyond the final count', async () => {
    // Prepare: an earlier attempt wrote three chunks, the final one found only one.
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    await chunks.putChunks([
      chunk(key, 0, 0, ['1']),
      chunk(key, 0, 1, ['2']),
      chunk(key, 0, 2, ['3']),
      chunk(key, 1, 0, ['4']),
    ]);
    // Act
    await chunks.finishShardInitialization(key, 0, { totalCount: 1, chunkCount: 1 });
    // Assess
    const remaining: string[] = [];
    for await (const found of chunks.read({ batchOperationKey: key }))
      remaining.push(`${found.shard}/${found.chunk}`);
    expect(remaining).toEqual(['0/0', '1/0']);
  });

  it('lists only pending chunks of a shard for dispatch', async () => {
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    await chunks.putChunks([chunk(key, 0, 0, ['1']), chunk(key, 0, 1, ['2']), chunk(key, 1, 0, ['3'])]);
    await chunks.completeChunk({ batchOperationKey: key, shard: 0, chunk: 0 }, [], tallyOf([]));
    const pending = [];
    for await (const id of chunks.pendingChunks(key, 0)) pending.push(id);
    expect(pending).toEqual([{ batchOperationKey: key, shard: 0, chunk: 1 }]);
  });

  it('fails a shard during initialization with its error, and only then', async () => {
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    const error = { partitionId: 0, type: 'QUERY_FAILED' as const, message: 'index missing' };
    await chunks.failShard(key, 0, error);
    await chunks.finishShardInitialization(key, 1, { totalCount: 0, chunkCount: 0 });
    await chunks.failShard(key, 1, error);
    const shards = (await store.getBatch(key))?.shards;
    expect(shards?.map((shard) => [shard.state, shard.error])).toEqual([
      ['FAILED', error],
      ['EXECUTING', undefined],
    ]);
  });

  it("drops the chunks a shard wrote before it failed, leaving the other shards' chunks", async () => {
    // Prepare: shard 0 wrote two chunks before its query failed; shard 1 has one.
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    await chunks.putChunks([chunk(key, 0, 0, ['1']), chunk(key, 0, 1, ['2']), chunk(key, 1, 0, ['3'])]);
    // Act
    await chunks.failShard(key, 0, { partitionId: 0, type: 'QUERY_FAILED', message: 'page 2 failed' });
    // Assess
    const remaining: string[] = [];
    for await (const found of chunks.read({ batchOperationKey: key }))
      remaining.push(`${found.shard}/${found.chunk}`);
    expect(remaining).toEqual(['1/0']);
  });

  it('streams chunks of one batch starting at a given chunk', async () => {
    const created = batch();
    await store.createBatch(created);
    const key = created.batchOperationKey;
    await chunks.putChunks([chunk(key, 0, 0, ['1']), chunk(key, 0, 1, ['2']), chunk(key, 1, 0, ['3'])]);
    const seen = [];
    for await (const found of chunks.read({
      batchOperationKey: key,
      startAt: { batchOperationKey: key, shard: 0, chunk: 1 },
    })) {
      seen.push(found.items[0].itemKey);
    }
    expect(seen).toEqual(['2', '3']);
  });
});
