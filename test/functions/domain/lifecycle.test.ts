import { beforeEach, describe, expect, it } from 'vitest';
import { BuiltinEngine } from '#adapters/builtin/builtin-engine.ts';
import { completeBatch } from '#domain/completion/complete-batch.ts';
import { createBatch } from '#domain/creation/create-batch.ts';
import { startBatch } from '#domain/creation/start-batch.ts';
import { IdempotencyConflictError, InvalidArgumentError } from '#domain/errors.ts';
import { dispatchChunks } from '#domain/execution/dispatch-chunks.ts';
import { CHECK_EVERY_ITEMS, executeChunk } from '#domain/execution/execute-chunk.ts';
import { initializeShard } from '#domain/initialization/initialize-shard.ts';
import { shardOf } from '#domain/keys.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import type { EngineStore } from '#ports/engine-store.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { inMemoryBatchStores } from '../../fakes/in-memory-batch-stores.ts';
import {
  InMemoryProcessInstances,
  inMemoryKeys,
  NO_JOBS,
  RecordingChunkSender,
  RecordingExecutions,
} from '../../fakes/in-memory-ports.ts';
import { processInstance } from '../../helpers/process-instances.ts';

/**
 * The lifecycle's rules, phase by phase, on in-memory ports (held to the adapters' contract in
 * test/contracts/): fast specifications of creation, initialization, execution and completion.
 */
const SHARDS = 2;
const CHUNK_SIZE = 3;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const now = () => NOW;
/** Cancellation is a single conditional write: the engine's other stores are not part of it. */
const notUsed = <T extends object>(port: string): T =>
  new Proxy({} as T, {
    get: (_, method) => () =>
      Promise.reject(new Error(`${port}.${String(method)} is not part of this phase`)),
  });

let batches: BatchStore;
let chunks: ChunkStore;
let instances: InMemoryProcessInstances;
let executions: RecordingExecutions;
let queue: RecordingChunkSender;
const keys = inMemoryKeys();

beforeEach(async () => {
  ({ batches, chunks } = inMemoryBatchStores(now));
  instances = new InMemoryProcessInstances(SHARDS);
  executions = new RecordingExecutions();
  queue = new RecordingChunkSender();
  // Seven running orders and one finished one.
  await instances.putInstances([
    ...Array.from({ length: 7 }, (_, index) => processInstance(100 + index)),
    processInstance(200, { state: 'COMPLETED', endDate: '2026-05-01T00:00:00.000Z' }),
  ]);
});

/** The built-in engine over the in-memory instances (cancellation needs no other engine store). */
const builtinEngine = () =>
  new BuiltinEngine({
    instances,
    jobs: NO_JOBS,
    keys,
    now,
    engine: notUsed<EngineStore>('EngineStore'),
    definitions: notUsed<ProcessDefinitionStore>('ProcessDefinitionStore'),
    queryPageSize: 2,
    queryRetry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1, backoffFactor: 2 },
    sleep: async () => undefined,
  });
const creationDeps = () => ({
  batches,
  keys,
  workflow: executions,
  engine: builtinEngine(),
  shardCount: SHARDS,
  chunkSize: CHUNK_SIZE,
  now,
});
const initializationDeps = () => ({
  batches,
  chunks,
  engine: builtinEngine(),
  chunkSize: CHUNK_SIZE,
});
const executionDeps = () => ({
  batches,
  chunks,
  engine: builtinEngine(),
  now,
  concurrency: 2,
  sleep: async () => undefined,
});

async function createCancellation(filter: unknown = { processDefinitionId: 'order-process' }) {
  const { batchOperationKey } = await createBatch(creationDeps(), {
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    items: { filter },
    claims: { sub: 'operator' },
  });
  return batchOperationKey;
}

/** Runs initialization, dispatch and every dispatched chunk, as the state machine and workers would. */
async function runToCompletion(batchOperationKey: string) {
  await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey, executionArn: 'arn:spec' });
  for (let shard = 0; shard < SHARDS; shard++) {
    await initializeShard(initializationDeps(), { batchOperationKey, shard });
    await dispatchChunks({ batches, chunks, queue }, { batchOperationKey, shard });
  }
  for (const id of queue.sent) await executeChunk(executionDeps(), id);
  return completeBatch({ batches, now }, { batchOperationKey });
}

describe('creation', () => {
  it('stores the batch CREATED with one initializing shard each and starts its execution', async () => {
    const key = await createCancellation();
    const found = await batches.getBatch(key);
    expect(found?.batch).toMatchObject({
      state: 'CREATED',
      shardCount: SHARDS,
      startDate: NOW.toISOString(),
    });
    expect(found?.shards.map((shard) => shard.state)).toEqual(['INITIALIZING', 'INITIALIZING']);
    expect(executions.started).toEqual([key]);
  });

  it('refuses an empty filter before anything is stored or started', async () => {
    await expect(createCancellation({})).rejects.toThrow(InvalidArgumentError);
    expect(executions.started).toEqual([]);
  });

  it('answers a repeated Idempotency-Key with the first batch, and refuses it for another request', async () => {
    const request = {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE' as const,
      items: { filter: { processDefinitionId: 'order-process' } },
      claims: { sub: 'operator' },
      actor: { actorType: 'USER' as const, actorId: 'operator' },
      idempotencyKey: 'nightly-cleanup',
    };
    const first = await createBatch(creationDeps(), request);
    const again = await createBatch(creationDeps(), request);
    expect(again).toEqual({ ...first, replayed: true });
    await expect(
      createBatch(creationDeps(), { ...request, items: { filter: { processDefinitionId: 'other' } } }),
    ).rejects.toThrow(IdempotencyConflictError);
    expect(executions.started).toEqual([first.batchOperationKey]);
  });

  it("scopes an Idempotency-Key by the verified caller: clients without a 'sub' never receive each other's batch", async () => {
    const request = {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE' as const,
      items: { filter: { processDefinitionId: 'order-process' } },
      claims: {},
      idempotencyKey: 'shared-key',
    };
    const alpha = await createBatch(creationDeps(), {
      ...request,
      claims: { client_id: 'alpha' },
      actor: { actorType: 'CLIENT', actorId: 'alpha' },
    });
    const beta = await createBatch(creationDeps(), {
      ...request,
      claims: { client_id: 'beta' },
      actor: { actorType: 'CLIENT', actorId: 'beta' },
    });
    expect(beta.replayed).toBe(false);
    expect(beta.batchOperationKey).not.toBe(alpha.batchOperationKey);
    expect(executions.started).toEqual([alpha.batchOperationKey, beta.batchOperationKey]);
  });
});

describe('initialization', () => {
  it("writes each shard's matching keys in chunks of the chunk size and fixes its totals", async () => {
    const key = await createCancellation();
    await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey: key, executionArn: 'arn:spec' });
    for (let shard = 0; shard < SHARDS; shard++)
      await initializeShard(initializationDeps(), { batchOperationKey: key, shard });
    const written = [];
    for await (const chunk of chunks.read({ batchOperationKey: key })) written.push(chunk);
    const found = await batches.getBatch(key);
    // All eight instances match the filter (the finished one fails later, at execution).
    expect(found?.shards.reduce((total, shard) => total + shard.totalCount, 0)).toBe(8);
    expect(written.every((chunk) => chunk.items.length <= CHUNK_SIZE)).toBe(true);
    for (const chunk of written) {
      for (const item of chunk.items) expect(shardOf(item.processInstanceKey, SHARDS)).toBe(chunk.shard);
    }
    expect(found?.shards.map((shard) => shard.state)).toEqual(['EXECUTING', 'EXECUTING']);
  });
});

describe('execution', () => {
  it('cancels every running instance once and fails the finished one with the engine reason', async () => {
    const key = await createCancellation();
    await runToCompletion(key);
    const items = [];
    for await (const chunk of chunks.read({ batchOperationKey: key })) items.push(...chunk.items);
    expect(items.filter((item) => item.state === 'COMPLETED')).toHaveLength(7);
    const failed = items.filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => item.processInstanceKey)).toEqual([processInstance(200).processInstanceKey]);
    expect(failed[0].errorMessage).toMatch(/it is COMPLETED/);
    for (let sequence = 100; sequence < 107; sequence++) {
      const instance = await instances.getInstance(processInstance(sequence).processInstanceKey);
      expect(instance?.state).toBe('TERMINATED');
      expect(instance?.endDate).toBe(NOW.toISOString());
      expect(instance?.batchOperationIds).toEqual([key]);
    }
  });

  it('counts a redelivered chunk once and applies nothing twice', async () => {
    const key = await createCancellation();
    await runToCompletion(key);
    const [first] = queue.sent;
    const redelivered = await executeChunk(executionDeps(), first);
    expect(redelivered).toEqual({ status: 'duplicate' });
    const found = await batches.getBatch(key);
    expect(found?.shards.reduce((total, shard) => total + shard.completedCount + shard.failedCount, 0)).toBe(
      8,
    );
  });

  describe("the batch watch, with a chunk larger than the watch's interval", () => {
    const BULK = 240;
    /** Shard 0's one chunk of a batch over BULK more instances (about half of them), dispatched. */
    async function bulkChunk() {
      await instances.putInstances(
        Array.from({ length: BULK }, (_, index) =>
          processInstance(1000 + index, { processDefinitionId: 'bulk' }),
        ),
      );
      const { batchOperationKey } = await createBatch(
        { ...creationDeps(), chunkSize: BULK },
        {
          batchOperationType: 'CANCEL_PROCESS_INSTANCE',
          items: { filter: { processDefinitionId: 'bulk' } },
          claims: { sub: 'operator' },
        },
      );
      await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey, executionArn: 'arn:spec' });
      await initializeShard({ ...initializationDeps(), chunkSize: BULK }, { batchOperationKey, shard: 0 });
      await dispatchChunks({ batches, chunks, queue }, { batchOperationKey, shard: 0 });
      const [id] = queue.sent;
      const keys = (await chunks.getChunk(id))?.items.map((item) => item.processInstanceKey) ?? [];
      // More items than the watch reads after, so that it reads once during the chunk.
      expect(keys.length).toBeGreaterThan(CHECK_EVERY_ITEMS);
      return { id, keys };
    }
    const terminated = async (keys: string[]) => {
      let count = 0;
      for (const key of keys) if ((await instances.getInstance(key))?.state === 'TERMINATED') count++;
      return count;
    };

    it('reads the batch beside the writes: no item waits for the read, and the chunk ends on its answer', async () => {
      const { id, keys } = await bulkChunk();
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reads = 0;
      const watched: BatchStore = {
        ...batches,
        getBatchRecord: async (key) => {
          reads++;
          await gate;
          return batches.getBatchRecord(key);
        },
      };
      const execution = executeChunk({ ...executionDeps(), batches: watched }, id);
      // Every item is written while the read the watch started is still unanswered.
      await expect.poll(() => terminated(keys), { timeout: 5_000 }).toBe(keys.length);
      expect(reads).toBe(1);
      expect((await chunks.getChunk(id))?.state).toBe('PENDING');
      release();
      expect(await execution).toMatchObject({ status: 'executed', completed: keys.length, failed: 0 });
    });

    it('fails the invocation when the watch cannot read the batch, and records nothing, so the chunk comes again', async () => {
      const { id, keys } = await bulkChunk();
      const unreadable: BatchStore = {
        ...batches,
        getBatchRecord: () => Promise.reject(new Error('DynamoDB is unreachable')),
      };
      await expect(executeChunk({ ...executionDeps(), batches: unreadable }, id)).rejects.toThrow(
        'DynamoDB is unreachable',
      );
      expect((await chunks.getChunk(id))?.state).toBe('PENDING');
      // Sent again with the batch readable, it finishes the items the failed invocation had not reached.
      expect(await executeChunk(executionDeps(), id)).toMatchObject({
        status: 'executed',
        completed: keys.length,
      });
      expect(await terminated(keys)).toBe(keys.length);
    });
  });

  it('leaves the chunks of a suspended batch pending', async () => {
    const key = await createCancellation();
    await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey: key, executionArn: 'arn:spec' });
    await initializeShard(initializationDeps(), { batchOperationKey: key, shard: 0 });
    await dispatchChunks({ batches, chunks, queue }, { batchOperationKey: key, shard: 0 });
    await batches.transitionBatch(key, { from: ['ACTIVE'], to: 'SUSPENDED' });
    const result = await executeChunk(executionDeps(), queue.sent[0]);
    expect(result).toEqual({ status: 'batch-suspended' });
    expect((await chunks.getChunk(queue.sent[0]))?.state).toBe('PENDING');
  });
});

describe('completion', () => {
  it('ends COMPLETED with its end date when every shard executed, failed items included', async () => {
    const key = await createCancellation();
    const finished = await runToCompletion(key);
    expect(finished).toMatchObject({ state: 'COMPLETED', finished: true });
    expect((await batches.getBatch(key))?.batch).toMatchObject({
      state: 'COMPLETED',
      endDate: NOW.toISOString(),
    });
  });

  it('ends PARTIALLY_COMPLETED when one shard failed and FAILED when all did', async () => {
    const partly = await createCancellation();
    await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey: partly, executionArn: 'arn:a' });
    await chunks.failShard(partly, 0, { partitionId: 0, type: 'QUERY_FAILED', message: 'index gone' });
    await initializeShard(initializationDeps(), { batchOperationKey: partly, shard: 1 });
    expect(await completeBatch({ batches, now }, { batchOperationKey: partly })).toMatchObject({
      state: 'PARTIALLY_COMPLETED',
    });

    const all = await createCancellation();
    await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey: all, executionArn: 'arn:b' });
    for (let shard = 0; shard < SHARDS; shard++)
      await chunks.failShard(all, shard, { partitionId: shard, type: 'QUERY_FAILED', message: 'index gone' });
    expect(await completeBatch({ batches, now }, { batchOperationKey: all })).toMatchObject({
      state: 'FAILED',
    });
  });

  it('ends FAILED when the final counts cross the failure threshold, though no worker requested it', async () => {
    // As if the last chunk's worker stopped between recording its items and requesting the failure.
    const failureLost: BatchStore = Object.assign(Object.create(batches) as BatchStore, {
      requestFailure: async () => false,
    });
    const { batchOperationKey } = await createBatch(creationDeps(), {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      items: { filter: { processDefinitionId: 'order-process' } },
      claims: { sub: 'operator' },
      controls: { failureThreshold: { percentage: 10, minProcessedItems: 1 } },
    });
    await startBatch({ batches, pollSeconds: 1, now }, { batchOperationKey, executionArn: 'arn:spec' });
    for (let shard = 0; shard < SHARDS; shard++) {
      await initializeShard(initializationDeps(), { batchOperationKey, shard });
      await dispatchChunks({ batches, chunks, queue }, { batchOperationKey, shard });
    }
    for (const id of queue.sent) await executeChunk({ ...executionDeps(), batches: failureLost }, id);
    expect((await batches.getBatch(batchOperationKey))?.batch.failureRequested).toBeUndefined();

    const finished = await completeBatch({ batches, now }, { batchOperationKey });

    expect(finished).toMatchObject({ state: 'FAILED', finished: true });
    expect((await batches.getBatch(batchOperationKey))?.batch.failureReason).toBe(
      'Failure threshold exceeded: 1 of 8 processed items failed, more than 10%',
    );
  });

  it('changes nothing once the batch has ended', async () => {
    const key = await createCancellation();
    await runToCompletion(key);
    const again = await completeBatch(
      { batches, now: () => new Date('2027-01-01T00:00:00.000Z') },
      {
        batchOperationKey: key,
      },
    );
    expect(again.finished).toBe(false);
    expect((await batches.getBatch(key))?.batch.endDate).toBe(NOW.toISOString());
  });
});
