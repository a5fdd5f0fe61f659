import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import { SqsChunkQueue } from '#adapters/sqs/chunk-queue.ts';
import { SQS_CLIENT_CONFIG } from '#commons/clients.ts';
import { pendingItem } from '#domain/batch/chunk.ts';
import { checkProgress } from '#domain/execution/check-progress.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

/** The progress poll as the batch's watchdog, against DynamoDB Local and fauxqs. */
const STALL_SECONDS = 600;
/** Chunks held for the engine come again 2 s, 4 s, 8 s (at most) after each hold. */
const ENGINE_RETRY = { maxRetries: 3, initialDelayMs: 2000, maxDelayMs: 8000, backoffFactor: 2 };
/** The poll's dependencies at a second of the test's clock. */
const depsAt = (seconds: number) => ({
  batches,
  chunks,
  queue,
  now: at(seconds),
  stallSeconds: STALL_SECONDS,
  engineRetry: ENGINE_RETRY,
});
let dynamo: TestDynamo;
let sqs: SQSClient;
let batches: DynamoBatchStore;
let chunks: DynamoChunkStore;
let queue: SqsChunkQueue;
let queueUrl: string;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  sqs = new SQSClient({ ...SQS_CLIENT_CONFIG, ...dynamo.settings, endpoint: inject('emulators').sqs });
  // The run's SQS emulator is shared: a queue name of this database's namespace.
  const queueName = `${dynamo.settings.credentials.accessKeyId}-chunks.fifo`;
  queueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { FifoQueue: 'true' } }))
  ).QueueUrl as string;
  batches = new DynamoBatchStore(dynamo.db, 'Batches');
  chunks = new DynamoChunkStore(dynamo.db, 'Batches', 'BatchItems');
  queue = new SqsChunkQueue(sqs, queueUrl);
});
afterAll(async () => {
  sqs.destroy();
  await dynamo.stop();
});

/** Receives and deletes every message now in the queue (one per group at a time, as FIFO hands them out). */
async function drain(): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(message.Body as string);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

/** Shard 0 has two pending chunks, shard 1 has finished its one chunk. */
async function executingBatch(batchOperationKey: string) {
  await batches.createBatch({
    batchOperationKey,
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    state: 'ACTIVE',
    filter: { tenantId: 'x' },
    shardCount: 2,
    startDate: '2026-01-01T00:00:00.000Z',
    claims: {},
  });
  const chunk = (shard: number, number: number) => ({
    batchOperationKey,
    shard,
    chunk: number,
    state: 'PENDING' as const,
    items: [pendingItem(`${shard}${number}`)],
  });
  await chunks.putChunks([chunk(0, 0), chunk(0, 1), chunk(1, 0)]);
  await chunks.finishShardInitialization(batchOperationKey, 0, { totalCount: 2, chunkCount: 2 });
  await chunks.finishShardInitialization(batchOperationKey, 1, { totalCount: 1, chunkCount: 1 });
  await chunks.completeChunk(
    { batchOperationKey, shard: 1, chunk: 0 },
    [{ ...pendingItem('10'), state: 'COMPLETED' }],
    { completed: 1, failed: 0, errors: {} },
  );
}

const at = (seconds: number) => () => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe('progress poll after a suspension', () => {
  it('sends the pending chunks at once when a suspension ended between two polls, once per suspension', async () => {
    // Prepare: suspended and resumed before the execution saw it; the worker dropped what it got meanwhile.
    await executingBatch('702');
    const input = {
      batchOperationKey: '702',
      shards: [0, 1],
      pollSeconds: 5,
      progress: { done: -1, since: at(0)().toISOString() },
      dispatchRound: 0,
      suspensionsSeen: 0,
    };
    const deps = depsAt(1);
    await batches.transitionBatch('702', { from: ['ACTIVE'], to: 'SUSPENDED' });
    await batches.transitionBatch('702', { from: ['SUSPENDED'], to: 'ACTIVE' });
    // Act
    const first = await checkProgress(deps, input);
    const resent = await drain();
    const second = await checkProgress(deps, first);
    const resentAgain = await drain();
    await batches.transitionBatch('702', { from: ['ACTIVE'], to: 'SUSPENDED' });
    const parked = await checkProgress(deps, second);
    await batches.transitionBatch('702', { from: ['SUSPENDED'], to: 'ACTIVE' });
    const afterPark = await checkProgress(deps, parked);
    // Assess: not a stall; only shard 0's pending chunks; nothing again for the same suspension.
    expect(first).toMatchObject({ stalled: false, suspended: false, redispatched: 2, suspensionsSeen: 1 });
    expect(resent.map((body) => JSON.parse(body))).toEqual([
      { batchOperationKey: '702', shard: 0, chunk: 0 },
      { batchOperationKey: '702', shard: 0, chunk: 1 },
    ]);
    expect(second.redispatched).toBe(0);
    expect(resentAgain).toEqual([]);
    // A suspension the execution parked for is sent by the dispatch step after it wakes, not here.
    expect(parked).toMatchObject({ suspended: true, suspensionsSeen: 2 });
    expect(afterPark.redispatched).toBe(0);
  });
});

describe('progress poll as watchdog', () => {
  it('sends the pending chunks of unfinished shards again once a batch has made no progress for the stall period', async () => {
    // Prepare
    await executingBatch('700');
    const input = {
      batchOperationKey: '700',
      shards: [0, 1],
      pollSeconds: 5,
      progress: { done: -1, since: at(0)().toISOString() },
      dispatchRound: 0,
      suspensionsSeen: 0,
    };
    // Act
    const first = await checkProgress(depsAt(0), input);
    const quiet = await checkProgress(depsAt(STALL_SECONDS - 1), first);
    const beforeStall = await drain();
    const stalled = await checkProgress(depsAt(STALL_SECONDS), quiet);
    const resent = await drain();
    const again = await checkProgress(depsAt(2 * STALL_SECONDS), stalled);
    const resentAgain = await drain();
    // Assess
    expect([first.stalled, quiet.stalled, stalled.stalled, again.stalled]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(beforeStall).toEqual([]);
    expect(stalled.redispatched).toBe(2);
    expect(resent.map((body) => JSON.parse(body))).toEqual([
      { batchOperationKey: '700', shard: 0, chunk: 0 },
      { batchOperationKey: '700', shard: 0, chunk: 1 },
    ]);
    // A later round is not dropped as a duplicate of the earlier one.
    expect(resentAgain).toHaveLength(2);
    expect(stalled.progress.since).toBe(at(STALL_SECONDS)().toISOString());
    // The batch shows since when it is stuck (its last progress), until it moves again.
    expect((await batches.getBatch('700'))?.batch.stalledSince).toBe(at(0)().toISOString());
    await chunks.completeChunk(
      { batchOperationKey: '700', shard: 0, chunk: 0 },
      [{ ...pendingItem('00'), state: 'COMPLETED' }],
      { completed: 1, failed: 0, errors: {} },
    );
    await checkProgress(depsAt(2 * STALL_SECONDS + 1), again);
    expect((await batches.getBatch('700'))?.batch.stalledSince).toBeUndefined();
  });

  it('restarts the stall clock whenever an item finishes, and never re-sends for a finished batch', async () => {
    await executingBatch('701');
    const input = {
      batchOperationKey: '701',
      shards: [0, 1],
      pollSeconds: 5,
      progress: { done: -1, since: at(0)().toISOString() },
      dispatchRound: 0,
      suspensionsSeen: 0,
    };
    const first = await checkProgress(depsAt(0), input);
    await chunks.completeChunk(
      { batchOperationKey: '701', shard: 0, chunk: 0 },
      [{ ...pendingItem('00'), state: 'COMPLETED' }],
      { completed: 1, failed: 0, errors: {} },
    );
    const moved = await checkProgress(depsAt(STALL_SECONDS), first);
    expect(moved).toMatchObject({
      stalled: false,
      redispatched: 0,
      progress: { since: at(STALL_SECONDS)().toISOString() },
    });
    await batches.finishBatch('701', 'COMPLETED', at(STALL_SECONDS)().toISOString());
    const ended = await checkProgress(depsAt(10 * STALL_SECONDS), moved);
    expect(ended).toMatchObject({ finished: true, stalled: false, redispatched: 0 });
    expect(await drain()).toEqual([]);
  });
});

describe('progress poll while the engine is out', () => {
  it("sends the held chunks again once the hold's back-off has passed, once, and keeps the wait visible", async () => {
    // Prepare: the worker held a chunk for the second time at second 0 (back-off 4 s).
    await executingBatch('705');
    const wait = { reason: 'connect ECONNREFUSED 127.0.0.1:8088', since: at(0)().toISOString(), attempts: 2 };
    await batches.reportEngineWait('705', { ...wait, heldAt: at(0)().toISOString() });
    const input = {
      batchOperationKey: '705',
      shards: [0, 1],
      pollSeconds: 5,
      progress: { done: 5, since: at(0)().toISOString() },
      dispatchRound: 0,
      suspensionsSeen: 0,
    };
    const poll = (seconds: number, from = input) => checkProgress(depsAt(seconds), from);

    // Act
    const early = await poll(3);
    const sentEarly = await drain();
    const due = await poll(4, early);
    const sent = await drain();
    const after = await poll(5, due);
    const sentAfter = await drain();

    // Assess: shard 0's pending chunks once, at the back-off; still waiting until a chunk runs.
    expect(early).toMatchObject({ engineRetried: false, redispatched: 0 });
    expect(sentEarly).toEqual([]);
    expect(due).toMatchObject({ engineRetried: true, redispatched: 2, stalled: false });
    expect(sent.map((body) => JSON.parse(body))).toEqual([
      { batchOperationKey: '705', shard: 0, chunk: 0 },
      { batchOperationKey: '705', shard: 0, chunk: 1 },
    ]);
    expect(after).toMatchObject({ engineRetried: false, redispatched: 0 });
    expect(sentAfter).toEqual([]);
    expect((await batches.getBatch('705'))?.batch.engineWait).toEqual(wait);
  });
});
