import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import type { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import type { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import { MAX_CHUNK_SIZE } from '#commons/config.ts';
import {
  type BatchControls,
  type BatchOperation,
  isShardIdle,
  progressOf,
} from '#domain/batch/batch-operation.ts';
import {
  boundedErrorMessage,
  errorMessageBudget,
  pendingItem,
  TRUNCATION_MARK,
} from '#domain/batch/chunk.ts';
import { accountDeadChunk } from '#domain/execution/account-dead-chunk.ts';
import { executeChunk } from '#domain/execution/execute-chunk.ts';
import { initializeShard } from '#domain/initialization/initialize-shard.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { keyFromSequence, shardOf } from '#domain/keys.ts';
import type { Engine } from '#ports/engine.ts';
import { ISO_DATE_TIME } from '../../helpers/dates.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { processInstance } from '../../helpers/process-instances.ts';
import { sqsEvent, sqsRecord } from '../../helpers/sqs-events.ts';

/**
 * The chunk worker and the dead-chunk accounting against DynamoDB Local, wired as in Lambda: counters
 * must be exact when SQS delivers a chunk twice, when the worker dies half-way through a chunk, and
 * when a chunk ends in the dead-letter queue.
 */
const SHARDS = 2;
const CHUNK_SIZE = 100;
let dynamo: TestDynamo;
let handler: (
  event: unknown,
  context: Context,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let deadChunkHandler: typeof handler;
let batches: DynamoBatchStore;
let chunks: DynamoChunkStore;
let instances: DynamoProcessInstanceStore;
let engine: () => Engine;
/** Fault injection through an SDK middleware: instance writes (statements of a batched write too) fail once this many have been made. */
let crashAfterInstanceWrites: number | undefined;
let batchSequence = 10_000;
let instanceSequence = 100;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  Object.assign(process.env, {
    SHARD_COUNT: String(SHARDS),
    CHUNK_SIZE: String(CHUNK_SIZE),
  });
  ({ handler } = (await import('../../../functions/worker/execute-chunk.ts')) as unknown as {
    handler: typeof handler;
  });
  ({ handler: deadChunkHandler } = (await import(
    '../../../functions/worker/account-dead-chunk.ts'
  )) as unknown as {
    handler: typeof handler;
  });
  const { services } = await import('#commons/services.ts');
  const { dynamoDocumentClient } = await import('#commons/clients.ts');
  ({ batches, chunks, instances } = services());
  ({ engine } = await import('#commons/services.ts'));
  let writes = 0;
  dynamoDocumentClient().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        TableName?: string;
        ConditionExpression?: string;
        Statements?: { Statement: string }[];
      };
      const statements = input.Statements?.filter(({ Statement }) =>
        Statement.includes('"ProcessInstances"'),
      );
      if (crashAfterInstanceWrites === undefined) writes = 0;
      else if (statements?.length) {
        // A batched write: the statements up to the crash are written, then the worker dies.
        const allowed = Math.max(0, crashAfterInstanceWrites - writes);
        writes += statements.length;
        if (allowed >= statements.length) return next(args);
        if (allowed > 0)
          await next({ ...args, input: { ...input, Statements: statements.slice(0, allowed) } });
        throw new Error('worker killed');
      } else if (
        input.ConditionExpression &&
        input.TableName === 'ProcessInstances' &&
        ++writes > crashAfterInstanceWrites
      ) {
        throw new Error('worker killed');
      }
      return next(args);
    },
    { step: 'initialize', name: 'faultInjection' },
  );
});
afterAll(() => dynamo.stop());

const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;

/**
 * A batch canceling (or of another type, over instances in another state) `count` fresh instances
 * of one definition, initialized, with shard 0's chunk ids.
 */
async function initializedBatch(
  count: number,
  controls: BatchControls = {},
  {
    batchOperationType = 'CANCEL_PROCESS_INSTANCE',
    state = 'ACTIVE',
  }: Partial<Pick<BatchOperation, 'batchOperationType'> & Pick<ProcessInstance, 'state'>> = {},
) {
  const processDefinitionId = `process-${batchSequence}`;
  const created = Array.from({ length: count }, () =>
    processInstance(instanceSequence++, { processDefinitionId, state }),
  );
  await instances.putInstances(created);
  const batchOperationKey = keyFromSequence(batchSequence++);
  await batches.createBatch({
    batchOperationKey,
    batchOperationType,
    state: 'CREATED',
    filter: { processDefinitionId },
    shardCount: SHARDS,
    startDate: new Date().toISOString(),
    claims: {},
    ...controls,
  });
  await batches.activateBatch(batchOperationKey, 'arn:test');
  await initializeShard(
    { batches, chunks, engine: engine(), chunkSize: CHUNK_SIZE },
    { batchOperationKey, shard: 0 },
  );
  const inShard = created.filter((instance) => shardOf(instance.processInstanceKey, SHARDS) === 0);
  return { batchOperationKey, inShard };
}

async function shardZero(batchOperationKey: string) {
  return (await batches.getBatch(batchOperationKey))?.shards[0];
}

describe('chunk worker', () => {
  it('cancels every item of a chunk and moves the counters once', async () => {
    // Prepare
    const { batchOperationKey, inShard } = await initializedBatch(40);
    // Act
    const response = await handler(sqsEvent(sqsRecord({ batchOperationKey, shard: 0, chunk: 0 })), context);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      totalCount: inShard.length,
      chunksDone: 1,
      completedCount: inShard.length,
      failedCount: 0,
    });
    for (const instance of inShard) {
      const stored = await instances.getInstance(instance.processInstanceKey);
      expect(stored?.state).toBe('TERMINATED');
      expect(stored?.endDate).toMatch(ISO_DATE_TIME);
      expect(stored?.batchOperationIds).toEqual([batchOperationKey]);
    }
  });

  it('counts a chunk delivered twice only once', async () => {
    // Prepare
    const { batchOperationKey, inShard } = await initializedBatch(60);
    const message = { batchOperationKey, shard: 0, chunk: 0 };
    // Act: the same chunk twice in one batch of records, then once more in a later invocation.
    await handler(sqsEvent(sqsRecord(message), sqsRecord(message)), context);
    await handler(sqsEvent(sqsRecord(message, { receiveCount: 2 })), context);
    // Assess
    const shard = await shardZero(batchOperationKey);
    expect(shard).toMatchObject({ chunksDone: 1, completedCount: inShard.length, failedCount: 0 });
  });

  it('finishes a chunk exactly once after the worker died half-way through it', async () => {
    // Prepare: the instance store fails after 7 instance writes, as if the worker had been killed.
    const { batchOperationKey, inShard } = await initializedBatch(80);
    crashAfterInstanceWrites = 7;
    const message = { batchOperationKey, shard: 0, chunk: 0 };
    // Act
    const crashed = handler(sqsEvent(sqsRecord(message)), context);
    // Every record of the invocation failed: Lambda returns the whole batch to the queue.
    await expect(crashed).rejects.toThrow('All records failed processing');
    crashAfterInstanceWrites = undefined;
    const afterCrash = await shardZero(batchOperationKey);
    const states = async () =>
      Promise.all(inShard.map(async (i) => (await instances.getInstance(i.processInstanceKey))?.state));
    // The invocation ends once its writes in flight have settled: nothing of it lands later.
    const canceledBeforeRetry = (await states()).filter((state) => state === 'TERMINATED').length;
    const redelivered = await handler(sqsEvent(sqsRecord(message, { receiveCount: 2 })), context);
    // Assess
    expect(canceledBeforeRetry).toBe(7);
    expect(afterCrash).toMatchObject({ chunksDone: 0, completedCount: 0 });
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: inShard.length,
      failedCount: 0,
    });
    const chunk = await chunks.getChunk({ batchOperationKey, shard: 0, chunk: 0 });
    expect(chunk?.items.every((item) => item.state === 'COMPLETED')).toBe(true);
    expect((await states()).every((state) => state === 'TERMINATED')).toBe(true);
  });

  it('finishes a deletion chunk exactly once after the worker died half-way: deleted items count as done', async () => {
    // Prepare: finished instances; the instance store fails after 5 instance writes.
    const { batchOperationKey, inShard } = await initializedBatch(
      30,
      {},
      { batchOperationType: 'DELETE_PROCESS_INSTANCE', state: 'COMPLETED' },
    );
    crashAfterInstanceWrites = 5;
    const message = { batchOperationKey, shard: 0, chunk: 0 };
    // Act
    await expect(handler(sqsEvent(sqsRecord(message)), context)).rejects.toThrow(
      'All records failed processing',
    );
    crashAfterInstanceWrites = undefined;
    const deleted = async () =>
      (await Promise.all(inShard.map((i) => instances.getInstance(i.processInstanceKey)))).filter(
        (instance) => instance === undefined,
      ).length;
    const deletedBeforeRetry = await deleted();
    const redelivered = await handler(sqsEvent(sqsRecord(message, { receiveCount: 2 })), context);
    // Assess: the 5 items deleted before the crash are COMPLETED on redelivery, not FAILED as not found.
    expect(deletedBeforeRetry).toBe(5);
    expect(inShard.length).toBeGreaterThan(5);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: inShard.length,
      failedCount: 0,
    });
    expect(await deleted()).toBe(inShard.length);
  });

  it('fails an item whose instance finished meanwhile, with the engine reason, and goes on', async () => {
    // Prepare
    const { batchOperationKey, inShard } = await initializedBatch(20);
    const [finished] = inShard;
    await instances.putInstances([{ ...finished, state: 'COMPLETED', endDate: new Date().toISOString() }]);
    // Act
    await handler(sqsEvent(sqsRecord({ batchOperationKey, shard: 0, chunk: 0 })), context);
    // Assess
    expect(await shardZero(batchOperationKey)).toMatchObject({
      completedCount: inShard.length - 1,
      failedCount: 1,
    });
    const chunk = await chunks.getChunk({ batchOperationKey, shard: 0, chunk: 0 });
    const failed = chunk?.items.find((item) => item.processInstanceKey === finished.processInstanceKey);
    expect(failed).toMatchObject({ state: 'FAILED' });
    expect(failed?.errorMessage).toContain('it is COMPLETED');
  });

  it('paces the items of a rate-limited batch: each shard takes its share of the rate', async () => {
    // Prepare: 20 items per second over 2 shards is one item every 100 ms per shard.
    const { batchOperationKey, inShard } = await initializedBatch(6, { itemsPerSecond: 20 });
    const waits: number[] = [];
    const clock = new Date(Date.UTC(2026, 0, 1));
    // Act
    const result = await executeChunk(
      {
        engine: engine(),
        batches,
        chunks,
        concurrency: 1,
        now: () => clock,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
      { batchOperationKey, shard: 0, chunk: 0 },
    );
    // Assess: the clock stands still, so each item waits its full slot.
    expect(inShard.length).toBeGreaterThan(1);
    expect(result).toMatchObject({ status: 'executed', completed: inShard.length });
    expect(waits).toEqual(inShard.slice(1).map((_, index) => (index + 1) * 100));
  });

  /**
   * Shard 0's chunk of a paced batch (20 items/s: one every 100 ms per shard) on a clock that each
   * paced wait moves, until a suspension requested after its third item stops it.
   */
  async function heldBySuspension() {
    const batch = await initializedBatch(40, { itemsPerSecond: 20 });
    const id = { batchOperationKey: batch.batchOperationKey, shard: 0, chunk: 0 };
    let clock = Date.UTC(2026, 0, 1);
    let waits = 0;
    const deps = {
      engine: engine(),
      batches,
      chunks,
      concurrency: 1,
      now: () => new Date(clock),
      sleep: async (ms: number) => {
        clock += ms;
        if (++waits === 3)
          await batches.requestChange(id.batchOperationKey, 'suspend', new Date(clock).toISOString());
      },
    };
    const held = await executeChunk(deps, id);
    const chunk = await chunks.getChunk(id);
    const applied = chunk?.items.filter((item) => item.state === 'COMPLETED') ?? [];
    // Some items were applied before the suspension was noticed (a read a second in): they are kept.
    expect(applied.length).toBeGreaterThan(1);
    return { ...batch, id, deps, held, chunk, applied, advance: (ms: number) => (clock += ms) };
  }

  it('keeps the items a suspension stopped mid-chunk, each dated when it was applied, on the pending chunk and in the counts', async () => {
    // Act
    const { batchOperationKey, held, chunk, applied, inShard } = await heldBySuspension();
    // Assess: applied every 100 ms from the chunk's start; the rest still pending.
    expect(held).toEqual({ status: 'batch-suspended' });
    expect(chunk?.state).toBe('PENDING');
    expect(applied.length).toBeLessThan(inShard.length);
    expect(applied.map((item) => item.processedDate)).toEqual(
      applied.map((_, index) => new Date(Date.UTC(2026, 0, 1) + index * 100).toISOString()),
    );
    expect(chunk?.items.slice(applied.length).map((item) => item.state)).toEqual(
      inShard.slice(applied.length).map(() => 'ACTIVE'),
    );
    // The shard is idle (the suspension may complete) and still counts the held items.
    const shard = await shardZero(batchOperationKey);
    expect(shard && isShardIdle(shard, new Date())).toBe(true);
    expect(shard && progressOf([shard]).operationsCompletedCount).toBe(applied.length);
  });

  it('cancels a held chunk keeping the dates its items were applied at, not the moment of accounting', async () => {
    // Prepare
    const { batchOperationKey, id, deps, chunk, applied, advance } = await heldBySuspension();
    await batches.requestChange(batchOperationKey, 'cancel', new Date().toISOString());
    const accountedAt = new Date(advance(60_000)).toISOString();
    // Act
    const result = await executeChunk(deps, id);
    // Assess
    expect(result).toMatchObject({ status: 'canceled', completed: applied.length, failed: 0 });
    expect((await chunks.getChunk(id))?.items).toEqual(
      chunk?.items.map((item, index) =>
        index < applied.length ? applied[index] : { ...item, state: 'CANCELED', processedDate: accountedAt },
      ),
    );
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: applied.length,
    });
  });

  it('resumes a held chunk with its pending items only: those applied before keep their dates', async () => {
    // Prepare
    const { batchOperationKey, id, deps, applied, inShard, advance } = await heldBySuspension();
    await batches.requestChange(batchOperationKey, 'resume', new Date().toISOString());
    const resumedAt = new Date(advance(60_000)).toISOString();
    // Act
    const result = await executeChunk(deps, id);
    // Assess
    expect(result).toMatchObject({ status: 'executed', completed: inShard.length, failed: 0 });
    const recorded = await chunks.getChunk(id);
    expect(recorded?.items.slice(0, applied.length)).toEqual(applied);
    expect(
      recorded?.items.slice(applied.length).every((item) => (item.processedDate ?? '') >= resumedAt),
    ).toBe(true);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: inShard.length,
    });
  });

  it('leaves the chunk of a suspended batch pending and its instances untouched', async () => {
    const { batchOperationKey, inShard } = await initializedBatch(10);
    await batches.transitionBatch(batchOperationKey, { from: ['ACTIVE'], to: 'SUSPENDED' });
    await handler(sqsEvent(sqsRecord({ batchOperationKey, shard: 0, chunk: 0 })), context);
    expect(await shardZero(batchOperationKey)).toMatchObject({ chunksDone: 0 });
    expect((await chunks.getChunk({ batchOperationKey, shard: 0, chunk: 0 }))?.state).toBe('PENDING');
    expect((await instances.getInstance(inShard[0].processInstanceKey))?.state).toBe('ACTIVE');
  });

  it('accounts for the chunk of a canceled batch: its unprocessed items CANCELED, instances untouched', async () => {
    const { batchOperationKey, inShard } = await initializedBatch(10);
    await batches.transitionBatch(batchOperationKey, {
      from: ['ACTIVE'],
      to: 'CANCELED',
      endDate: new Date().toISOString(),
    });
    await handler(sqsEvent(sqsRecord({ batchOperationKey, shard: 0, chunk: 0 })), context);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: 0,
      failedCount: 0,
    });
    const chunk = await chunks.getChunk({ batchOperationKey, shard: 0, chunk: 0 });
    expect(chunk?.items.map((item) => item.state)).toEqual(inShard.map(() => 'CANCELED'));
    expect((await instances.getInstance(inShard[0].processInstanceKey))?.state).toBe('ACTIVE');
  });
});

describe('dead-chunk accounting', () => {
  it('records a dead deletion chunk with the items the batch deleted as COMPLETED', async () => {
    // Prepare: a deletion whose worker died after 3 instance writes; the chunk went to the DLQ.
    const { batchOperationKey, inShard } = await initializedBatch(
      20,
      {},
      { batchOperationType: 'DELETE_PROCESS_INSTANCE', state: 'TERMINATED' },
    );
    const message = { batchOperationKey, shard: 0, chunk: 0 };
    crashAfterInstanceWrites = 3;
    await expect(handler(sqsEvent(sqsRecord(message)), context)).rejects.toThrow(
      'All records failed processing',
    );
    crashAfterInstanceWrites = undefined;
    // Act
    const accounted = await deadChunkHandler(sqsEvent(sqsRecord(message)), context);
    // Assess: exactly the 3 deleted instances count as COMPLETED; the crashed invocation ended
    // only once its writes in flight had settled, so no deletion lands after the accounting read.
    const deleted = (
      await Promise.all(inShard.map((i) => instances.getInstance(i.processInstanceKey)))
    ).filter((instance) => instance === undefined).length;
    expect(accounted.batchItemFailures).toEqual([]);
    expect(deleted).toBe(3);
    expect(inShard.length).toBeGreaterThan(3);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: 3,
      failedCount: inShard.length - 3,
    });
  });

  it('records a dead chunk once: changed items COMPLETED, the rest FAILED with the reason, the shard finished', async () => {
    // Prepare: the worker died after 3 instance writes on every delivery; the chunk went to the DLQ.
    const { batchOperationKey, inShard } = await initializedBatch(30);
    const message = { batchOperationKey, shard: 0, chunk: 0 };
    crashAfterInstanceWrites = 3;
    await expect(handler(sqsEvent(sqsRecord(message)), context)).rejects.toThrow(
      'All records failed processing',
    );
    crashAfterInstanceWrites = undefined;
    // Act: the DLQ delivers the chunk to the accounting, twice.
    const first = await deadChunkHandler(sqsEvent(sqsRecord(message)), context);
    const second = await deadChunkHandler(sqsEvent(sqsRecord(message)), context);
    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: 3,
      failedCount: inShard.length - 3,
    });
    const chunk = await chunks.getChunk(message);
    const failed = chunk?.items.filter((item) => item.state === 'FAILED') ?? [];
    expect(failed).toHaveLength(inShard.length - 3);
    expect(failed[0].errorMessage).toContain('moved to the dead-letter queue');
    expect(chunk?.items.filter((item) => item.state === 'COMPLETED')).toHaveLength(3);
  });

  it('records a full-size chunk whose every item fails with an over-long reason: each reason cut to the bound', async () => {
    // Prepare: one chunk of the largest size, 19-digit keys (the longest), no such instances.
    const batchOperationKey = keyFromSequence(batchSequence++);
    await batches.createBatch({
      batchOperationKey,
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      state: 'CREATED',
      filter: { processDefinitionId: 'none' },
      shardCount: SHARDS,
      startDate: new Date().toISOString(),
      claims: {},
    });
    await batches.activateBatch(batchOperationKey, 'arn:test');
    const keys = Array.from({ length: MAX_CHUNK_SIZE }, (_, index) =>
      String(9_000_000_000_000_000_000n + BigInt(index)),
    );
    const id = { batchOperationKey, shard: 0, chunk: 0 };
    await chunks.putChunks([{ ...id, state: 'PENDING', items: keys.map(pendingItem) }]);
    const reason = `Every delivery failed: ${'aé€😀'.repeat(2000)}`;
    const processedDate = '2026-12-31T23:59:59.999Z';
    // Act: 1,000 FAILED outcomes with their reason in one chunk record (DynamoDB Local enforces 400 KB).
    const accounted = await accountDeadChunk(
      { batches, chunks, engine: engine(), now: () => new Date(processedDate) },
      id,
      reason,
    );
    // Assess
    expect(accounted).toEqual({
      status: 'accounted',
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      completed: 0,
      failed: MAX_CHUNK_SIZE,
    });
    const stored = boundedErrorMessage(reason, errorMessageBudget(MAX_CHUNK_SIZE));
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(233);
    expect(Buffer.byteLength(stored)).toBeGreaterThan(233 - 4);
    expect(stored.endsWith(TRUNCATION_MARK)).toBe(true);
    const chunk = await chunks.getChunk(id);
    expect(chunk?.state).toBe('DONE');
    expect(chunk?.items).toEqual(
      keys.map((key) => ({ ...pendingItem(key), state: 'FAILED', processedDate, errorMessage: stored })),
    );
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: 0,
      failedCount: MAX_CHUNK_SIZE,
      itemErrors: { [stored]: MAX_CHUNK_SIZE },
    });
  });

  it('leaves a chunk alone that was recorded after all', async () => {
    const { batchOperationKey, inShard } = await initializedBatch(10);
    const message = { batchOperationKey, shard: 0, chunk: 0 };
    await handler(sqsEvent(sqsRecord(message)), context);
    await deadChunkHandler(sqsEvent(sqsRecord(message)), context);
    expect(await shardZero(batchOperationKey)).toMatchObject({
      chunksDone: 1,
      completedCount: inShard.length,
      failedCount: 0,
    });
  });
});
