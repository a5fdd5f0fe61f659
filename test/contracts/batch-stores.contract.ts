import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchOperation, isShardIdle, progressOf } from '#domain/batch/batch-operation.ts';
import { type Chunk, pendingItem, tallyOf } from '#domain/batch/chunk.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';

export interface BatchStores {
  batches: BatchStore;
  chunks: ChunkStore;
  stop(): Promise<void>;
}

/**
 * The rules every implementation of the batch and chunk ports keeps: the DynamoDB adapters and the
 * in-memory fakes the lifecycle specifications run on are held to the same suite.
 */
export function batchStoresContract(name: string, setup: () => Promise<BatchStores>): void {
  describe(`batch and chunk stores (${name})`, () => {
    let batches: BatchStore;
    let chunks: ChunkStore;
    let stores: BatchStores;
    let nextKey = 1;

    beforeAll(async () => {
      stores = await setup();
      ({ batches, chunks } = stores);
    });
    afterAll(() => stores.stop());

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

    it('stores a batch with one INITIALIZING counter record per shard', async () => {
      // Prepare
      const created = batch(3);
      // Act
      await batches.createBatch(created);
      const found = await batches.getBatch(created.batchOperationKey);
      // Assess
      expect(found?.batch).toEqual(created);
      expect(found?.shards.map((shard) => [shard.shard, shard.state, shard.chunksDone])).toEqual([
        [0, 'INITIALIZING', 0],
        [1, 'INITIALIZING', 0],
        [2, 'INITIALIZING', 0],
      ]);
    });

    it("reads a batch's own record alone, as the batch reads it, and nothing for an unknown key", async () => {
      const created = batch(3);
      await batches.createBatch(created);
      await batches.requestChange(created.batchOperationKey, 'cancel', '2026-06-01T12:00:05.000Z');
      const record = await batches.getBatchRecord(created.batchOperationKey);
      expect(record).toEqual((await batches.getBatch(created.batchOperationKey))?.batch);
      expect(record?.cancelRequestedAt).toBe('2026-06-01T12:00:05.000Z');
      expect(await batches.getBatchRecord('2251799813999999')).toBeUndefined();
    });

    it('finds nothing for the empty key a search filter may name', async () => {
      await batches.createBatch(batch());
      expect(await batches.getBatch('')).toBeUndefined();
      expect(await batches.getBatchRecord('')).toBeUndefined();
    });

    it('refuses to create the same batch twice', async () => {
      const created = batch();
      await batches.createBatch(created);
      await expect(batches.createBatch(created)).rejects.toThrow();
    });

    it('activates a created batch and remembers the execution running it, also a recovery execution', async () => {
      const created = batch();
      await batches.createBatch(created);
      await batches.activateBatch(created.batchOperationKey, 'arn:one');
      expect((await batches.getBatch(created.batchOperationKey))?.batch).toMatchObject({
        state: 'ACTIVE',
        executionArn: 'arn:one',
      });
      await batches.transitionBatch(created.batchOperationKey, { from: ['ACTIVE'], to: 'SUSPENDED' });
      await batches.activateBatch(created.batchOperationKey, 'arn:recovery');
      expect((await batches.getBatch(created.batchOperationKey))?.batch).toMatchObject({
        state: 'SUSPENDED',
        executionArn: 'arn:recovery',
      });
    });

    it('lists the batches that may still need their execution, not those that ended otherwise', async () => {
      const [running, canceled, completed] = [batch(), batch(), batch()];
      for (const created of [running, canceled, completed]) await batches.createBatch(created);
      await batches.transitionBatch(canceled.batchOperationKey, { from: ['CREATED'], to: 'CANCELED' });
      await batches.finishBatch(completed.batchOperationKey, 'COMPLETED', new Date().toISOString());
      const listed: string[] = [];
      for await (const found of batches.unfinishedBatches()) listed.push(found.batchOperationKey);
      expect(listed).toEqual(expect.arrayContaining([running.batchOperationKey, canceled.batchOperationKey]));
      expect(listed).not.toContain(completed.batchOperationKey);
    });

    it('changes the live controls of a batch that has not ended, and of no other', async () => {
      const running = batch();
      await batches.createBatch(running);
      await batches.activateBatch(running.batchOperationKey, 'arn:execution');
      expect(
        await batches.changeControls(running.batchOperationKey, { itemsPerSecond: 40, priority: 70 }),
      ).toBe(true);
      expect(await batches.getBatchRecord(running.batchOperationKey)).toMatchObject({
        itemsPerSecond: 40,
        priority: 70,
      });
      await batches.finishBatch(running.batchOperationKey, 'COMPLETED', '2026-01-01T00:01:00.000Z');
      expect(await batches.changeControls(running.batchOperationKey, { priority: 5 })).toBe(false);
      expect((await batches.getBatchRecord(running.batchOperationKey))?.priority).toBe(70);
    });

    it('lets a scheduled batch be started once, canceled at once while it waits, and not suspended', async () => {
      const [first, second] = [
        { ...batch(), startAt: '2030-01-01T00:00:00.000Z' },
        { ...batch(), startAt: '2030-01-01T00:00:00.000Z' },
      ];
      await batches.createBatch(first);
      await batches.createBatch(second);
      expect((await batches.requestChange(first.batchOperationKey, 'suspend', 'x')).outcome).toBe('refused');
      expect(await batches.takeSchedule(first.batchOperationKey)).toBe(true);
      expect(await batches.takeSchedule(first.batchOperationKey)).toBe(false);
      expect((await batches.getBatchRecord(first.batchOperationKey))?.startAt).toBeUndefined();
      const at = '2026-01-01T00:02:00.000Z';
      expect((await batches.requestChange(second.batchOperationKey, 'cancel', at)).outcome).toBe('changed');
      expect(await batches.getBatchRecord(second.batchOperationKey)).toMatchObject({
        state: 'CANCELED',
        endDate: at,
      });
      expect(await batches.takeSchedule(second.batchOperationKey)).toBe(false);
    });

    it("pauses an ACTIVE batch for its window once, and a resumption clears the window's mark", async () => {
      const running = batch();
      await batches.createBatch(running);
      await batches.activateBatch(running.batchOperationKey, 'arn:execution');
      const at = '2026-01-01T00:03:00.000Z';
      expect(await batches.requestWindowPause(running.batchOperationKey, at)).toBe(true);
      expect(await batches.requestWindowPause(running.batchOperationKey, at)).toBe(false);
      expect(await batches.getBatchRecord(running.batchOperationKey)).toMatchObject({
        suspendRequestedAt: at,
        windowPausedAt: at,
      });
      expect((await batches.requestChange(running.batchOperationKey, 'resume', at)).outcome).toBe('changed');
      const resumed = await batches.getBatchRecord(running.batchOperationKey);
      expect(resumed?.windowPausedAt).toBeUndefined();
      expect(resumed?.suspendRequestedAt).toBeUndefined();
    });

    it('moves a batch to a final state once', async () => {
      const created = batch();
      await batches.createBatch(created);
      const key = created.batchOperationKey;
      expect(await batches.finishBatch(key, 'COMPLETED', '2026-01-02T00:00:00.000Z')).toBe(true);
      expect(await batches.finishBatch(key, 'FAILED', '2026-01-03T00:00:00.000Z', 'late')).toBe(false);
      expect((await batches.getBatch(key))?.batch).toMatchObject({
        state: 'COMPLETED',
        endDate: '2026-01-02T00:00:00.000Z',
      });
    });
    it('adds a chunk to its shard counters exactly once, however often it is completed', async () => {
      // Prepare
      const created = batch();
      await batches.createBatch(created);
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
      const shard = (await batches.getBatch(key))?.shards[1];
      expect(shard).toMatchObject({
        state: 'EXECUTING',
        totalCount: 3,
        chunkCount: 1,
        chunksDone: 1,
        completedCount: 2,
        failedCount: 1,
        itemErrors: { no: 1 },
      });
      expect((await chunks.getChunk({ batchOperationKey: key, shard: 1, chunk: 0 }))?.items).toEqual(
        outcomes,
      );
    });

    it("records a pending chunk's sent items once each, and forgets them when the chunk is recorded", async () => {
      // Prepare
      const created = batch();
      await batches.createBatch(created);
      const id = { batchOperationKey: created.batchOperationKey, shard: 0, chunk: 0 };
      await chunks.putChunks([chunk(id.batchOperationKey, 0, 0, ['21', '22', '23'])]);
      // Act
      await chunks.recordSent(id, ['21', '22']);
      await chunks.recordSent(id, ['22']);
      const pending = await chunks.getChunk(id);
      await chunks.completeChunk(id, pending?.items ?? [], tallyOf([]));
      // Assess
      expect(pending?.sentItemKeys?.sort()).toEqual(['21', '22']);
      expect((await chunks.getChunk(id))?.sentItemKeys).toBeUndefined();
      await expect(chunks.recordSent(id, ['23'])).rejects.toThrow();
    });

    it('keeps the outcomes of a held chunk, still pending with its sent marks, and counts them once when the chunk is recorded', async () => {
      // Prepare: a chunk of three whose first delivery applied two items, then was held.
      const created = batch();
      await batches.createBatch(created);
      const key = created.batchOperationKey;
      const id = { batchOperationKey: key, shard: 0, chunk: 0 };
      await chunks.putChunks([chunk(key, 0, 0, ['31', '32', '33'])]);
      await chunks.finishShardInitialization(key, 0, { totalCount: 3, chunkCount: 1 });
      await chunks.recordSent(id, ['31', '32', '33']);
      const held = [
        { ...pendingItem('31'), state: 'COMPLETED' as const, processedDate: '2026-01-01T00:00:01.000Z' },
        {
          ...pendingItem('32'),
          state: 'FAILED' as const,
          processedDate: '2026-01-01T00:00:02.000Z',
          errorMessage: 'no',
        },
        pendingItem('33'),
      ];
      // Act
      await chunks.holdChunk(id, held);
      const pending = await chunks.getChunk(id);
      const listed = [];
      for await (const pendingId of chunks.pendingChunks(key, 0)) listed.push(pendingId);
      const outcomes = [
        held[0],
        held[1],
        { ...pendingItem('33'), state: 'COMPLETED' as const, processedDate: '2026-01-01T00:00:03.000Z' },
      ];
      await chunks.completeChunk(id, outcomes, tallyOf(outcomes));
      await chunks.holdChunk(id, held);
      // Assess
      expect(pending).toMatchObject({ state: 'PENDING', items: held });
      expect(pending?.sentItemKeys?.sort()).toEqual(['31', '32', '33']);
      expect(listed).toEqual([id]);
      expect(await chunks.getChunk(id)).toMatchObject({ state: 'DONE', items: outcomes });
      expect((await batches.getBatch(key))?.shards[0]).toMatchObject({
        chunksDone: 1,
        completedCount: 2,
        failedCount: 1,
      });
    });

    it("shows the running chunk's items applied so far on its shard until the chunk's counters replace them, never both", async () => {
      // Prepare: an ACTIVE batch whose shard 0 runs its one chunk.
      const created = batch();
      await batches.createBatch(created);
      const key = created.batchOperationKey;
      const id = { batchOperationKey: key, shard: 0, chunk: 0 };
      await chunks.putChunks([chunk(key, 0, 0, ['21', '22', '23'])]);
      await chunks.finishShardInitialization(key, 0, { totalCount: 3, chunkCount: 1 });
      await batches.activateBatch(key, 'arn:test');
      expect(await batches.claimShard(id, '2026-01-01T00:02:00.000Z')).toBe(true);
      const outcomes = [
        { ...pendingItem('21'), state: 'COMPLETED' as const },
        { ...pendingItem('22'), state: 'FAILED' as const, errorMessage: 'no' },
        { ...pendingItem('23'), state: 'COMPLETED' as const },
      ];
      const counts = async () => {
        const found = await batches.getBatch(key);
        return found && progressOf(found.shards);
      };

      // Act and assess: reported twice while running, then completed, then a late report.
      await batches.reportInFlight(id, { completed: 1, failed: 0 });
      expect(await counts()).toMatchObject({ operationsCompletedCount: 1, operationsFailedCount: 0 });
      await batches.reportInFlight(id, { completed: 1, failed: 1 });
      expect(await counts()).toMatchObject({ operationsCompletedCount: 1, operationsFailedCount: 1 });
      await chunks.completeChunk(id, outcomes, tallyOf(outcomes));
      expect(await counts()).toMatchObject({ operationsCompletedCount: 2, operationsFailedCount: 1 });
      await batches.reportInFlight(id, { completed: 2, failed: 1 });
      expect(await counts()).toMatchObject({ operationsCompletedCount: 2, operationsFailedCount: 1 });
      expect((await batches.getBatch(key))?.shards[0].running).toBeUndefined();
    });

    it("keeps a released claim's counts, the shard idle, until the chunk is recorded; a new claim starts at the counts it is given", async () => {
      // Prepare: shard 0's one chunk claimed, two items reported, then the claim released (held).
      const created = batch();
      await batches.createBatch(created);
      const key = created.batchOperationKey;
      const id = { batchOperationKey: key, shard: 0, chunk: 0 };
      await chunks.putChunks([chunk(key, 0, 0, ['41', '42', '43'])]);
      await chunks.finishShardInitialization(key, 0, { totalCount: 3, chunkCount: 1 });
      await batches.activateBatch(key, 'arn:test');
      await batches.claimShard(id, '2099-01-01T00:00:00.000Z');
      await batches.reportInFlight(id, { completed: 1, failed: 0 });
      const shardZero = async () => (await batches.getBatch(key))?.shards[0];
      const now = new Date('2026-01-01T00:00:00.000Z');
      // Act and assess: released with what the chunk holds, more than its last report.
      await batches.releaseShard(id, { completed: 1, failed: 1 });
      const released = await shardZero();
      expect(released && isShardIdle(released, now)).toBe(true);
      expect(released && progressOf([released])).toMatchObject({
        operationsCompletedCount: 1,
        operationsFailedCount: 1,
      });
      expect(await batches.claimShard(id, '2099-01-01T00:00:00.000Z', { completed: 1, failed: 1 })).toBe(
        true,
      );
      const claimed = await shardZero();
      expect(claimed && isShardIdle(claimed, now)).toBe(false);
      expect(claimed?.running).toEqual({
        chunk: 0,
        until: '2099-01-01T00:00:00.000Z',
        completed: 1,
        failed: 1,
      });
    });

    it('drops chunks an interrupted initialization left beyond the final count', async () => {
      // Prepare: an earlier attempt wrote three chunks, the final one found only one.
      const created = batch();
      await batches.createBatch(created);
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
      await batches.createBatch(created);
      const key = created.batchOperationKey;
      await chunks.putChunks([chunk(key, 0, 0, ['1']), chunk(key, 0, 1, ['2']), chunk(key, 1, 0, ['3'])]);
      await chunks.completeChunk({ batchOperationKey: key, shard: 0, chunk: 0 }, [], tallyOf([]));
      const pending = [];
      for await (const id of chunks.pendingChunks(key, 0)) pending.push(id);
      expect(pending).toEqual([{ batchOperationKey: key, shard: 0, chunk: 1 }]);
    });

    it('fails a shard during initialization with its error, and only then', async () => {
      const created = batch();
      await batches.createBatch(created);
      const key = created.batchOperationKey;
      const error = { partitionId: 0, type: 'QUERY_FAILED' as const, message: 'index missing' };
      await chunks.failShard(key, 0, error);
      await chunks.finishShardInitialization(key, 1, { totalCount: 0, chunkCount: 0 });
      await chunks.failShard(key, 1, error);
      const shards = (await batches.getBatch(key))?.shards;
      expect(shards?.map((shard) => [shard.state, shard.error])).toEqual([
        ['FAILED', error],
        ['EXECUTING', undefined],
      ]);
    });

    it("drops the chunks a shard wrote before it failed, leaving the other shards' chunks", async () => {
      // Prepare: shard 0 wrote two chunks before its query failed; shard 1 has one.
      const created = batch();
      await batches.createBatch(created);
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
      await batches.createBatch(created);
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
}
