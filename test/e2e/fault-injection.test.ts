import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '#commons/clients.ts';
import { services } from '#commons/services.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { shardOf } from '#domain/keys.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { assertBatchInvariants } from '../helpers/batch-invariants.ts';
import { bpmnFile } from '../helpers/camunda-sdk.ts';
import {
  changedInstanceKeys,
  type DynamoCall,
  type DynamoFaults,
  injectDynamoFaults,
  instanceKeysOf,
  throttlingError,
  validationError,
  workerKilled,
} from '../helpers/dynamodb-faults.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * Issue 4, "nothing lost, nothing counted twice": faults injected into the service's own DynamoDB
 * client while batches run on the embedded runtime (the handlers run in this process). Whatever
 * fails, every matching instance ends processed once or FAILED with a reason, the counters equal
 * the item states, and the batch reaches its final state.
 */
const SHARDS = 2;
const CHUNK_SIZE = 5;
/** Large enough that one page fills a write group of 25 chunks before the next page is read. */
const QUERY_PAGE_SIZE = 130;
const QUERY_RETRY_INITIAL_DELAY_MS = 50;
const QUERY_RETRY_BACKOFF_FACTOR = 4;
const TYPE = 'operation_type="CANCEL_PROCESS_INSTANCE"';
const CANCEL_REJECTED = (state: string) =>
  `Expected to cancel process instance with key '{processInstanceKey}', but it is ${state}: only ACTIVE and SUSPENDED instances can be canceled`;

let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let faults: DynamoFaults;
let nextSequence = 50_000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: {
      SHARD_COUNT: String(SHARDS),
      CHUNK_SIZE: String(CHUNK_SIZE),
      QUERY_PAGE_SIZE: String(QUERY_PAGE_SIZE),
      QUERY_RETRY_MAX: '3',
      QUERY_RETRY_INITIAL_DELAY_MS: String(QUERY_RETRY_INITIAL_DELAY_MS),
      QUERY_RETRY_MAX_DELAY_MS: '1000',
      QUERY_RETRY_BACKOFF_FACTOR: String(QUERY_RETRY_BACKOFF_FACTOR),
    },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  faults = injectDynamoFaults(dynamoDocumentClient());
});
afterEach(() => {
  faults?.use(undefined);
  faults?.onSuccess(undefined);
});
afterAll(() => runtime?.stop());

/**
 * Seeds ACTIVE instances of a definition of their own straight into the instance store: `perShard[s]`
 * of them in shard s.
 */
async function seed(
  ...perShard: number[]
): Promise<{ processDefinitionId: string; seeded: ProcessInstance[] }> {
  const processDefinitionId = `faults-${nextSequence}`;
  const wanted = [...perShard];
  const seeded: ProcessInstance[] = [];
  while (wanted.some((count) => count > 0)) {
    const instance = processInstance(nextSequence++, { processDefinitionId });
    const shard = shardOf(instance.processInstanceKey, SHARDS);
    if (wanted[shard] > 0) {
      wanted[shard]--;
      seeded.push(instance);
    }
  }
  await services().instances.putInstances(seeded);
  return { processDefinitionId, seeded };
}

const keysOf = (instances: readonly ProcessInstance[]) => instances.map((i) => i.processInstanceKey);

async function cancelByDefinition(processDefinitionId: string): Promise<string> {
  const { status, body } = await api.post('/v2/process-instances/cancellation', {
    filter: { processDefinitionId },
  });
  expect(status).toBe(200);
  return body.batchOperationKey;
}

/** A counter of the embedded /metrics (Prometheus text), 0 while it has no series yet. */
async function metric(name: string, labels: string | undefined = TYPE): Promise<number> {
  const series = `${name}{service="batch-operations"${labels ? `,${labels}` : ''}} `;
  const text = await (await fetch(`${runtime.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(series));
  return line ? Number(line.slice(series.length)) : 0;
}

async function instanceStates(keys: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const key of keys) {
    const state = (await services().instances.getInstance(key))?.state ?? 'MISSING';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}

/** The worker's batched conditional writes (the instance commands), when one is on one of `keys`. */
function isInstanceWrite(call: DynamoCall, keys: ReadonlySet<string>): boolean {
  return (
    call.operation === 'BatchExecuteStatement' &&
    Boolean(
      call.input.Statements?.[0]?.Statement.includes(`"${services().config.PROCESS_INSTANCES_TABLE}"`),
    ) &&
    instanceKeysOf(call).some((key) => keys.has(key))
  );
}

/** Counts, per instance of `keys`, the writes that changed it on the wire (lost responses included). */
function countChanges(keys: ReadonlySet<string>): Map<string, number> {
  const applied = new Map<string, number>();
  faults.onSuccess((call, output) => {
    if (!isInstanceWrite(call, keys)) return;
    for (const key of changedInstanceKeys(call, output)) {
      if (keys.has(key)) applied.set(key, (applied.get(key) ?? 0) + 1);
    }
  });
  return applied;
}

/** The worker's transaction recording a chunk and moving its shard's counters. */
function isChunkCompletion(call: DynamoCall): boolean {
  return (
    call.operation === 'TransactWriteItems' &&
    call.input.TransactItems?.[0]?.Update?.TableName === services().config.BATCH_ITEMS_TABLE
  );
}

/**
 * Initialization's instance query for a definition, on one shard or any: its index key is
 * `shard#bucket#processDefinitionId`.
 */
function isInstanceQuery(call: DynamoCall, processDefinitionId: string, shard?: number): boolean {
  if (call.operation !== 'Query' || call.input.TableName !== services().config.PROCESS_INSTANCES_TABLE)
    return false;
  return Object.values(call.input.ExpressionAttributeValues ?? {}).some(
    (value) =>
      typeof value === 'string' &&
      value.endsWith(`#${processDefinitionId}`) &&
      (shard === undefined || value.startsWith(`${shard}#`)),
  );
}

function shardOfQuery(call: DynamoCall, processDefinitionId: string): number {
  const value = Object.values(call.input.ExpressionAttributeValues ?? {}).find(
    (candidate) => typeof candidate === 'string' && candidate.endsWith(`#${processDefinitionId}`),
  );
  return Number(String(value).split('#')[0]);
}

describe('an instance that changed between initialization and execution', () => {
  it('fails its item with the engine reason, summarizes the reasons, and completes the batch with exact counts', async () => {
    // Prepare: the batch is suspended before any shard has read an instance, so nothing runs yet.
    const { processDefinitionId, seeded } = await seed(30, 30);
    let release = () => {};
    const initializationHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    faults.use((call) =>
      isInstanceQuery(call, processDefinitionId) ? { kind: 'hold', until: initializationHeld } : undefined,
    );
    const key = await cancelByDefinition(processDefinitionId);
    expect((await api.post(`/v2/batch-operations/${key}/suspension`)).status).toBe(204);
    release();
    await eventually(
      async () => {
        const shards = (await services().batches.getBatch(key))?.shards ?? [];
        return shards.every((shard) => shard.state === 'EXECUTING') ? true : undefined;
      },
      () => `batch ${key} still initializing`,
    );
    // The suspension, requested during initialization, takes effect once the execution has seen no chunk in flight.
    const suspended = await eventually(
      async () => {
        const { body } = await api.get(`/v2/batch-operations/${key}`);
        return body.state === 'SUSPENDED' ? body : undefined;
      },
      () => `batch ${key} not SUSPENDED`,
    );
    expect(suspended).toMatchObject({
      state: 'SUSPENDED',
      operationsTotalCount: 60,
      operationsCompletedCount: 0,
    });
    // Someone else completes six of the instances and cancels four.
    const now = new Date().toISOString();
    const completedElsewhere = seeded
      .slice(0, 6)
      .map((i) => ({ ...i, state: 'COMPLETED' as const, endDate: now }));
    const canceledElsewhere = seeded
      .slice(6, 10)
      .map((i) => ({ ...i, state: 'TERMINATED' as const, endDate: now }));
    await services().instances.putInstances([...completedElsewhere, ...canceledElsewhere]);

    // Act
    expect((await api.post(`/v2/batch-operations/${key}/resumption`)).status).toBe(204);
    const batch = await api.finalBatch(key);

    // Assess
    const { items, itemStates } = await assertBatchInvariants(batch, {
      state: 'COMPLETED',
      matching: keysOf(seeded),
    });
    expect(batch).toMatchObject({
      operationsTotalCount: 60,
      operationsCompletedCount: 50,
      operationsFailedCount: 10,
      errors: [],
    });
    expect(itemStates).toEqual({ COMPLETED: 50, FAILED: 10 });
    const failed = new Map(
      items.filter((item) => item.state === 'FAILED').map((i) => [i.processInstanceKey, i]),
    );
    for (const instance of completedElsewhere)
      expect(failed.get(instance.processInstanceKey)?.errorMessage).toBe(
        CANCEL_REJECTED('COMPLETED').replace('{processInstanceKey}', instance.processInstanceKey),
      );
    for (const instance of canceledElsewhere)
      expect(failed.get(instance.processInstanceKey)?.errorMessage).toContain('but it is TERMINATED');
    expect(batch.itemErrorSummary).toEqual([
      { errorMessage: CANCEL_REJECTED('COMPLETED'), count: 6 },
      { errorMessage: CANCEL_REJECTED('TERMINATED'), count: 4 },
    ]);
    expect(await instanceStates(keysOf(completedElsewhere))).toEqual({ COMPLETED: 6 });
    expect(await instanceStates(keysOf(seeded.slice(10)))).toEqual({ TERMINATED: 50 });
  });
});

describe('DynamoDB throttling and transient errors during execution', () => {
  it('completes the batch with exact counts when requests are throttled and some failures outlast the SDK retries', async () => {
    // Prepare: every 5th batched instance write, chunk record or query is throttled once or twice (the
    // SDK retries it); the 3rd and 9th batched instance write and the 3rd chunk record fail beyond the
    // SDK's retries, so the queue delivers their chunks again.
    const { processDefinitionId, seeded } = await seed(40, 40);
    const mine = new Set(keysOf(seeded));
    let candidates = 0;
    let instanceWrites = 0;
    let chunkCompletions = 0;
    let escaped = 0;
    faults.use((call) => {
      const instanceWrite = isInstanceWrite(call, mine);
      if (instanceWrite && [3, 9].includes(++instanceWrites)) {
        escaped++;
        return { kind: 'fail', error: throttlingError() };
      }
      if (isChunkCompletion(call) && ++chunkCompletions === 3) {
        escaped++;
        return { kind: 'fail', error: throttlingError() };
      }
      const candidate = instanceWrite || isChunkCompletion(call) || call.operation === 'Query';
      if (!candidate || ++candidates % 5 !== 0) return undefined;
      return { kind: 'throttled', times: candidates % 3 === 0 ? 2 : 1 };
    });
    const applied = countChanges(mine);
    const throttledBefore = faults.throttled;

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    expect(faults.throttled - throttledBefore).toBeGreaterThan(10);
    expect(escaped).toBe(3);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: [...mine] });
    expect(batch).toMatchObject({
      operationsTotalCount: 80,
      operationsCompletedCount: 80,
      operationsFailedCount: 0,
    });
    expect(await instanceStates([...mine])).toEqual({ TERMINATED: 80 });
    // Each instance was changed by exactly one write; the writes repeated on redelivery were refused.
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    expect(applied.size).toBe(80);
    // One batched write per chunk of 5, and the two chunks whose write failed wrote again.
    expect(instanceWrites).toBeGreaterThanOrEqual(80 / CHUNK_SIZE + 2);
  });
});

describe('a failing initialization query', () => {
  it('retries throttled instance queries with backoff, completes the batch and reports the retries', async () => {
    // Prepare: each shard's instance query is throttled beyond the SDK's retries twice.
    const { processDefinitionId, seeded } = await seed(20, 20);
    const attempts: number[][] = [[], []];
    faults.use((call) => {
      if (!isInstanceQuery(call, processDefinitionId)) return undefined;
      const shardAttempts = attempts[shardOfQuery(call, processDefinitionId)];
      shardAttempts.push(performance.now());
      return shardAttempts.length <= 2 ? { kind: 'fail', error: throttlingError() } : undefined;
    });
    const retriesBefore = await metric('batch_operations_query_retries_total');

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keysOf(seeded) });
    expect(batch).toMatchObject({ operationsTotalCount: 40, operationsCompletedCount: 40, errors: [] });
    expect((await metric('batch_operations_query_retries_total')) - retriesBefore).toBe(2 * SHARDS);
    for (const [first, second, third] of attempts) {
      // Backed off: at least the initial delay, then that times the factor (a lower bound only).
      expect(second - first).toBeGreaterThanOrEqual(QUERY_RETRY_INITIAL_DELAY_MS - 1);
      expect(third - second).toBeGreaterThanOrEqual(
        QUERY_RETRY_INITIAL_DELAY_MS * QUERY_RETRY_BACKOFF_FACTOR - 1,
      );
    }
  });

  it('fails only the shard whose query fails for good, records QUERY_FAILED, and ends PARTIALLY_COMPLETED', async () => {
    // Prepare
    const { processDefinitionId, seeded } = await seed(20, 20);
    faults.use((call) =>
      isInstanceQuery(call, processDefinitionId, 1)
        ? { kind: 'fail', error: validationError('Invalid KeyConditionExpression (injected)') }
        : undefined,
    );

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    await assertBatchInvariants(batch, { state: 'PARTIALLY_COMPLETED', matching: keysOf(seeded) });
    expect(batch).toMatchObject({
      operationsTotalCount: 20,
      operationsCompletedCount: 20,
      operationsFailedCount: 0,
    });
    expect(batch.errors).toEqual([
      {
        partitionId: 1,
        type: 'QUERY_FAILED',
        message: expect.stringMatching(
          /shard 1 failed and the error is not retryable: Invalid KeyConditionExpression/,
        ),
      },
    ]);
    const shardOne = keysOf(seeded).filter((key) => shardOf(key, SHARDS) === 1);
    expect(await instanceStates(shardOne)).toEqual({ ACTIVE: 20 });
  });

  it('does not execute the chunks a shard wrote before its query failed on a later page', async () => {
    // Prepare: shard 0's first page fills a write group of chunks; its second page fails for good. A
    // page ends inside a bucket, so the second page's first query resumes at a start key.
    const { processDefinitionId, seeded } = await seed(QUERY_PAGE_SIZE + 10, 10);
    let secondPageQueries = 0;
    faults.use((call) => {
      const resumed = (call.input as { ExclusiveStartKey?: unknown }).ExclusiveStartKey !== undefined;
      if (!isInstanceQuery(call, processDefinitionId, 0) || !resumed) return undefined;
      secondPageQueries++;
      return { kind: 'fail', error: validationError('The provided starting key is invalid (injected)') };
    });

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    expect(secondPageQueries).toBe(1);
    await assertBatchInvariants(batch, { state: 'PARTIALLY_COMPLETED', matching: keysOf(seeded) });
    expect(batch).toMatchObject({
      operationsTotalCount: 10,
      operationsCompletedCount: 10,
      operationsFailedCount: 0,
    });
    expect(batch.errors).toEqual([expect.objectContaining({ partitionId: 0, type: 'QUERY_FAILED' })]);
    const shardZero = keysOf(seeded).filter((key) => shardOf(key, SHARDS) === 0);
    expect(await instanceStates(shardZero)).toEqual({ ACTIVE: QUERY_PAGE_SIZE + 10 });
  });

  it('ends the batch FAILED when the query fails for good on every shard', async () => {
    // Prepare
    const { processDefinitionId, seeded } = await seed(10, 10);
    faults.use((call) =>
      isInstanceQuery(call, processDefinitionId)
        ? { kind: 'fail', error: validationError('Invalid KeyConditionExpression (injected)') }
        : undefined,
    );

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    await assertBatchInvariants(batch, { state: 'FAILED', matching: keysOf(seeded) });
    expect(batch).toMatchObject({
      operationsTotalCount: 0,
      operationsCompletedCount: 0,
      operationsFailedCount: 0,
    });
    expect(batch.errors.map((error) => [error.partitionId, error.type])).toEqual([
      [0, 'QUERY_FAILED'],
      [1, 'QUERY_FAILED'],
    ]);
    expect(await instanceStates(keysOf(seeded))).toEqual({ ACTIVE: 20 });
  });
});

describe('a worker that dies half-way through a chunk', () => {
  it('redelivers the chunk and processes every item once when the worker is killed between batched writes', async () => {
    // Prepare: the 4th batched instance write never happens, and the 7th is applied but the worker
    // dies before it hears back.
    const { processDefinitionId, seeded } = await seed(25, 25);
    const mine = new Set(keysOf(seeded));
    let writes = 0;
    faults.use((call) => {
      if (!isInstanceWrite(call, mine)) return undefined;
      writes++;
      if (writes === 4) return { kind: 'fail', error: workerKilled() };
      if (writes === 7) return { kind: 'lose-response', error: workerKilled() };
      return undefined;
    });
    const applied = countChanges(mine);

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    expect(writes).toBeGreaterThanOrEqual(50 / CHUNK_SIZE + 2);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: [...mine] });
    expect(batch).toMatchObject({
      operationsTotalCount: 50,
      operationsCompletedCount: 50,
      operationsFailedCount: 0,
    });
    expect(await instanceStates([...mine])).toEqual({ TERMINATED: 50 });
    expect(applied.size).toBe(50);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
  });

  it('counts a chunk once when the worker dies right after recording it', async () => {
    // Prepare: the 2nd chunk record is written (counters moved), then the worker dies unacknowledged.
    const { processDefinitionId, seeded } = await seed(25, 25);
    let completions = 0;
    faults.use((call) =>
      isChunkCompletion(call) && ++completions === 2
        ? { kind: 'lose-response', error: workerKilled() }
        : undefined,
    );
    const duplicatesBefore = await metric('batch_operations_duplicate_chunk_deliveries_total', '');

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess: the chunk came back, was recognized as recorded, and moved no counter again.
    expect(completions).toBeGreaterThan(2);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keysOf(seeded) });
    expect(batch).toMatchObject({
      operationsTotalCount: 50,
      operationsCompletedCount: 50,
      operationsFailedCount: 0,
    });
    expect(await metric('batch_operations_duplicate_chunk_deliveries_total', '')).toBeGreaterThan(
      duplicatesBefore,
    );
  });
});

describe('a statement refused in the middle of a batched write', () => {
  it('sends a throttled statement again on its own and changes every instance once', async () => {
    // Prepare: every 3rd instance's statement is refused as throttled twice (within the store's
    // retries); the other statements of the same batch are written at once.
    const { processDefinitionId, seeded } = await seed(15, 15);
    const mine = new Set(keysOf(seeded));
    const throttledKeys = new Set(keysOf(seeded.filter((_, index) => index % 3 === 1)));
    const refusals = new Map<string, number>();
    faults.use((call) =>
      isInstanceWrite(call, mine)
        ? {
            kind: 'refuse-statements',
            refuse: (key) => {
              if (!throttledKeys.has(key) || (refusals.get(key) ?? 0) >= 2) return undefined;
              refusals.set(key, (refusals.get(key) ?? 0) + 1);
              return 'ThrottlingError';
            },
          }
        : undefined,
    );
    const applied = countChanges(mine);

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    expect([...refusals.values()]).toEqual(Array.from({ length: throttledKeys.size }, () => 2));
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: [...mine] });
    expect(batch).toMatchObject({
      operationsTotalCount: 30,
      operationsCompletedCount: 30,
      operationsFailedCount: 0,
    });
    expect(await instanceStates([...mine])).toEqual({ TERMINATED: 30 });
    expect(applied.size).toBe(30);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
  });

  it('redelivers the chunk when a statement stays throttled beyond the retries, and counts every item once', async () => {
    // Prepare: one instance's statement is refused as throttled on every attempt of the first
    // delivery (more than the store's retries); its batch's other statements are written.
    const { processDefinitionId, seeded } = await seed(10, 10);
    const mine = new Set(keysOf(seeded));
    const stubborn = seeded[2].processInstanceKey;
    let refused = 0;
    faults.use((call) =>
      isInstanceWrite(call, mine)
        ? {
            kind: 'refuse-statements',
            refuse: (key) =>
              key === stubborn && ++refused <= 4 ? 'ProvisionedThroughputExceeded' : undefined,
          }
        : undefined,
    );
    const applied = countChanges(mine);

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess: the first delivery gave up after its retries (1 + 3), the redelivery wrote the rest once.
    expect(refused).toBeGreaterThanOrEqual(4);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: [...mine] });
    expect(batch).toMatchObject({
      operationsTotalCount: 20,
      operationsCompletedCount: 20,
      operationsFailedCount: 0,
    });
    expect(await instanceStates([...mine])).toEqual({ TERMINATED: 20 });
    expect(applied.size).toBe(20);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
  });
});

describe('a chunk that fails on every delivery', () => {
  it('goes to the dead-letter queue, its unprocessed items become FAILED with the reason, and the batch completes', async () => {
    // Prepare: one instance's statement is refused on every attempt (the rest of its batch is written),
    // so its chunk never succeeds.
    const { processDefinitionId, seeded } = await seed(25, 25);
    const [poison] = seeded;
    const poisoned = new Set([poison.processInstanceKey]);
    faults.use((call) =>
      isInstanceWrite(call, poisoned)
        ? { kind: 'refuse-statements', refuse: (key) => (poisoned.has(key) ? 'ValidationError' : undefined) }
        : undefined,
    );
    const deadBefore = await metric('batch_operations_dead_lettered_chunks_total');

    // Act
    const batch = await api.finalBatch(await cancelByDefinition(processDefinitionId));

    // Assess
    const { items } = await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keysOf(seeded) });
    const failed = items.filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => item.processInstanceKey)).toEqual([poison.processInstanceKey]);
    expect(failed[0].errorMessage).toContain('moved to the dead-letter queue');
    expect(batch).toMatchObject({
      operationsTotalCount: 50,
      operationsCompletedCount: 49,
      operationsFailedCount: 1,
    });
    expect((await metric('batch_operations_dead_lettered_chunks_total')) - deadBefore).toBe(1);
    expect(await instanceStates([poison.processInstanceKey])).toEqual({ ACTIVE: 1 });
  });
});

describe('a job batch interrupted mid-chunk', () => {
  interface JobItem {
    itemKey: string;
    state: string;
    errorMessage: string | null;
  }

  /**
   * Deploys a process of its own whose service task has a job type of its own, starts `count`
   * instances of it and returns the type and the jobs' keys (one job per instance).
   */
  async function seedJobs(count: number): Promise<{ type: string; jobKeys: string[] }> {
    const id = nextSequence++;
    const type = `faults-pack-${id}`;
    const form = new FormData();
    form.append(
      'resources',
      bpmnFile('e2e-fulfilment.bpmn', { 'e2e-fulfilment': `faults-jobs-${id}`, 'e2e-pack': type }),
    );
    const deployed = await fetch(`${runtime.url}/v2/deployments`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}` },
      body: form,
    });
    expect(deployed.status).toBe(200);
    for (let index = 0; index < count; index++) {
      const created = await api.post('/v2/process-instances', { processDefinitionId: `faults-jobs-${id}` });
      expect(created.status).toBe(200);
    }
    const { body } = await api.post('/v2/jobs/search', { filter: { type }, page: { limit: count + 1 } });
    expect(body.items).toHaveLength(count);
    return { type, jobKeys: body.items.map((job: { jobKey: string }) => job.jobKey) };
  }

  /** The worker's write of a job's new revision (a job operation's conditional PutItem). */
  const jobWriteOf = (call: DynamoCall): string | undefined =>
    call.operation === 'PutItem' && call.input.TableName === services().config.JOBS_TABLE
      ? String(call.input.Item?.jobKey)
      : undefined;

  async function itemsOf(batchOperationKey: string): Promise<JobItem[]> {
    const { body } = await api.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey },
      page: { limit: 100 },
    });
    return body.items;
  }

  /** The other items of the chunk that holds `itemKey`: the ones its failed deliveries had applied. */
  async function chunkmatesOf(batchOperationKey: string, itemKey: string): Promise<string[]> {
    for await (const chunk of services().chunks.read({ batchOperationKey })) {
      const keys = chunk.items.map((item) => item.itemKey);
      if (keys.includes(itemKey)) return keys.filter((key) => key !== itemKey);
    }
    throw new Error(`No chunk of batch ${batchOperationKey} holds item ${itemKey}`);
  }

  function retriesOf(jobKeys: readonly string[]): Promise<number[]> {
    return Promise.all(
      jobKeys.map(async (jobKey) => (await services().engineStore.getJob(jobKey))?.retries ?? -1),
    );
  }

  it('counts the jobs a dead-lettered chunk had changed as COMPLETED and only the rest FAILED', async () => {
    // Prepare: the first job a worker writes is refused on every delivery, so its chunk dies; the jobs
    // started beside it in the same delivery are changed.
    const { type, jobKeys } = await seedJobs(20);
    let poison: string | undefined;
    faults.use((call) => {
      const jobKey = jobWriteOf(call);
      if (!jobKey || !jobKeys.includes(jobKey)) return undefined;
      poison ??= jobKey;
      return jobKey === poison ? { kind: 'fail', error: workerKilled() } : undefined;
    });

    // Act
    const created = await api.post('/v2/jobs/batch-update', { filter: { type }, changeset: { retries: 7 } });
    expect(created.status).toBe(200);
    const batch = await api.finalBatch(created.body.batchOperationKey);

    // Assess: the poison alone FAILED with the dead-letter reason; every job changed counts COMPLETED.
    const items = await itemsOf(created.body.batchOperationKey);
    const failed = items.filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => item.itemKey)).toEqual([poison]);
    expect(failed[0].errorMessage).toContain('moved to the dead-letter queue');
    const chunkmates = await chunkmatesOf(created.body.batchOperationKey, String(poison));
    expect(chunkmates.length).toBeGreaterThan(0);
    expect(items.filter((item) => chunkmates.includes(item.itemKey)).map((item) => item.state)).toEqual(
      chunkmates.map(() => 'COMPLETED'),
    );
    expect(await retriesOf(jobKeys.filter((key) => key !== poison))).toEqual(Array(19).fill(7));
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 20,
      operationsCompletedCount: 19,
      operationsFailedCount: 1,
    });
  });

  it('counts the jobs a chunk had changed before its batch was canceled as COMPLETED and only the rest CANCELED', async () => {
    // Prepare: the first job a worker writes asks for the batch's cancellation and fails its delivery
    // once the cancellation is recorded: the redelivered chunk then finds the batch canceling and is
    // accounted for, after the jobs started beside the poison were changed.
    const { type, jobKeys } = await seedJobs(20);
    let poison: string | undefined;
    let batchKey: (key: string) => void = () => undefined;
    const created = new Promise<string>((resolve) => {
      batchKey = resolve;
    });
    let cancellation: Promise<{ status: number }> | undefined;
    faults.use((call) => {
      const jobKey = jobWriteOf(call);
      if (!jobKey || !jobKeys.includes(jobKey)) return undefined;
      poison ??= jobKey;
      if (jobKey !== poison) return undefined;
      cancellation ??= created.then((key) => api.post(`/v2/batch-operations/${key}/cancellation`));
      return { kind: 'fail', error: workerKilled(), after: cancellation };
    });

    // Act
    const response = await api.post('/v2/jobs/batch-update', { filter: { type }, changeset: { retries: 7 } });
    expect(response.status).toBe(200);
    batchKey(response.body.batchOperationKey);
    const canceled = await eventually(
      async () => cancellation,
      () => 'no job of the batch was written',
    );
    expect(canceled.status).toBe(204);
    const batch = await api.finalBatch(response.body.batchOperationKey);

    // Assess: what the poison's chunk had changed is COMPLETED, the poison CANCELED.
    const items = await itemsOf(response.body.batchOperationKey);
    const chunkmates = await chunkmatesOf(response.body.batchOperationKey, String(poison));
    expect(chunkmates.length).toBeGreaterThan(0);
    const stateOf = (key: string) => items.find((item) => item.itemKey === key)?.state;
    expect(stateOf(String(poison))).toBe('CANCELED');
    expect(chunkmates.map(stateOf)).toEqual(chunkmates.map(() => 'COMPLETED'));
    // Every item says what happened to its job: COMPLETED exactly where the job was changed.
    const retriesAfter = await retriesOf(jobKeys);
    const changed = jobKeys.filter((_, index) => retriesAfter[index] === 7).sort();
    expect(changed).toEqual(expect.arrayContaining(chunkmates));
    expect(
      items
        .filter((item) => item.state === 'COMPLETED')
        .map((item) => item.itemKey)
        .sort(),
    ).toEqual(changed);
    expect(batch).toMatchObject({
      state: 'CANCELED',
      operationsTotalCount: 20,
      operationsCompletedCount: changed.length,
      operationsFailedCount: 0,
    });
  });
});
