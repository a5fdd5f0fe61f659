import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '#commons/clients.ts';
import { services } from '#commons/services.ts';
import { apiClient, DEMO_CREDENTIALS, eventually } from '../helpers/api-client.ts';
import { assertBatchInvariants } from '../helpers/batch-invariants.ts';
import {
  type DynamoCall,
  type DynamoFaults,
  injectDynamoFaults,
  throttlingError,
  workerKilled,
} from '../helpers/dynamodb-faults.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * "Nothing lost, nothing counted twice" for the engine-step operations (issue 3): each item is read,
 * decided and committed as one engine transaction (TransactWriteItems) that marks the instance with
 * the batch. Faults are injected into that transaction and around it while instances set up through
 * the real API (incidents, jobs, finished instances) are processed on the embedded runtime: every
 * instance is changed exactly once or its item FAILS with the engine's reason.
 */
const SHARDS = 2;
const CHUNK_SIZE = 4;

let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let faults: DynamoFaults;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: String(SHARDS), CHUNK_SIZE: String(CHUNK_SIZE) },
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

async function createBatch(path: string, request: unknown): Promise<string> {
  const { status, body } = await api.post(path, request);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.batchOperationKey;
}

/**
 * Creates a batch and suspends it before any shard has read an instance (the instance queries are
 * held meanwhile), then waits until every shard has written its chunks: nothing has run yet.
 */
async function suspendedBatch(path: string, request: unknown): Promise<string> {
  let release = () => {};
  const initializationHeld = new Promise<void>((resolve) => {
    release = resolve;
  });
  const table = services().config.PROCESS_INSTANCES_TABLE;
  faults.use((call) =>
    call.operation === 'Query' && call.input.TableName === table
      ? { kind: 'hold', until: initializationHeld }
      : undefined,
  );
  const key = await createBatch(path, request);
  expect((await api.post(`/v2/batch-operations/${key}/suspension`)).status).toBe(204);
  faults.use(undefined);
  release();
  await eventually(
    async () => {
      const shards = (await services().batches.getBatch(key))?.shards ?? [];
      return shards.every((shard) => shard.state === 'EXECUTING') ? true : undefined;
    },
    () => `batch ${key} still initializing`,
  );
  // SUSPENDED is written once the execution has seen that nothing is in flight.
  await eventually(
    async () =>
      (await api.get(`/v2/batch-operations/${key}`)).body.state === 'SUSPENDED' ? true : undefined,
    () => `batch ${key} not SUSPENDED yet`,
  );
  return key;
}

async function start(processDefinitionId: string, tenantId: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const { status, body } = await api.post('/v2/process-instances', {
      processDefinitionId,
      tenantId,
      variables: { index },
    });
    expect(status).toBe(200);
    keys.push(body.processInstanceKey);
  }
  return keys;
}

type ActivatedJob = { jobKey: string; processInstanceKey: string; retries: number };

async function activate(tenantId: string, type: string): Promise<ActivatedJob[]> {
  const { status, body } = await api.post('/v2/jobs/activation', {
    type,
    maxJobsToActivate: 100,
    timeout: 60_000,
    worker: 'operation-faults',
    tenantIds: [tenantId],
  });
  expect(status).toBe(200);
  return body.jobs;
}

/** Starts payments in a tenant of their own and fails each one's job for good: one incident each. */
async function paymentsWithIncidents(tenantId: string, count: number): Promise<string[]> {
  expect((await api.deploy(['e2e-payment.bpmn'], tenantId)).status).toBe(200);
  const keys = await start('e2e-payment', tenantId, count);
  const jobs = await activate(tenantId, 'e2e-charge-card');
  expect(jobs.map((job) => job.processInstanceKey).sort()).toEqual([...keys].sort());
  for (const job of jobs) {
    const failure = await api.post(`/v2/jobs/${job.jobKey}/failure`, {
      retries: 0,
      errorMessage: 'declined',
    });
    expect(failure.status).toBe(204);
  }
  return keys;
}

/** A request the API client has no method for. */
async function call(method: string, path: string, body: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { authorization: DEMO_CREDENTIALS, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

async function incidentsOf(tenantId: string, state: 'ACTIVE' | 'RESOLVED') {
  const { body } = await api.post('/v2/incidents/search', {
    filter: { processDefinitionId: 'e2e-payment', tenantId, state },
    page: { limit: 100 },
  });
  return body.items as { incidentKey: string; processInstanceKey: string; jobKey: string }[];
}

/**
 * The engine step's commit for one of `keys`, by the instance it changes: a transaction whose instance
 * update names it, or the single conditional update a one-record step makes.
 */
function committedInstance(call: DynamoCall, keys: ReadonlySet<string>): string | undefined {
  const table = services().config.PROCESS_INSTANCES_TABLE;
  const updates =
    call.operation === 'TransactWriteItems'
      ? (call.input.TransactItems ?? []).map((item) => item.Update)
      : call.operation === 'UpdateItem'
        ? [call.input]
        : [];
  for (const update of updates) {
    const key = String(update?.Key?.processInstanceKey);
    if (update?.TableName === table && keys.has(key)) return key;
  }
  return undefined;
}

/** The worker's transaction recording a chunk and moving its shard's counters. */
function isChunkCompletion(call: DynamoCall): boolean {
  return (
    call.operation === 'TransactWriteItems' &&
    call.input.TransactItems?.[0]?.Update?.TableName === services().config.BATCH_ITEMS_TABLE
  );
}

/** Counts, per instance, the engine commits that reached DynamoDB (lost responses included). */
function countCommits(keys: ReadonlySet<string>): Map<string, number> {
  const applied = new Map<string, number>();
  faults.onSuccess((call) => {
    const key = committedInstance(call, keys);
    if (key) applied.set(key, (applied.get(key) ?? 0) + 1);
  });
  return applied;
}

/** Kills the worker at the `failAt`-th engine commit (never sent) and right after the `loseAt`-th (applied). */
function killWorkerAtCommits(keys: ReadonlySet<string>, failAt: number, loseAt: number) {
  const seen = { commits: 0 };
  faults.use((call) => {
    if (!committedInstance(call, keys)) return undefined;
    seen.commits++;
    if (seen.commits === failAt) return { kind: 'fail', error: workerKilled() };
    if (seen.commits === loseAt) return { kind: 'lose-response', error: workerKilled() };
    return undefined;
  });
  return seen;
}

describe('RESOLVE_INCIDENT with the worker killed half-way through a chunk', () => {
  it('resolves every incident once after redelivery: each job gets 1 retry back and is activatable once', async () => {
    // Prepare: 12 payments with an incident each; the 3rd engine commit never happens and the 6th is
    // applied but the worker dies before it hears back (both mid-chunk: items before them succeeded).
    const tenantId = 'faults-resolve';
    const keys = await paymentsWithIncidents(tenantId, 12);
    const mine = new Set(keys);
    const seen = killWorkerAtCommits(mine, 3, 6);
    const applied = countCommits(mine);

    // Act
    const batch = await api.finalBatch(
      await createBatch('/v2/process-instances/incident-resolution', {
        filter: { processDefinitionId: 'e2e-payment', tenantId },
      }),
    );

    // Assess: the chunks came back and every item counts once.
    expect(seen.commits).toBeGreaterThan(12);
    const { itemStates } = await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(itemStates).toEqual({ COMPLETED: 12 });
    expect(batch).toMatchObject({
      operationsTotalCount: 12,
      operationsCompletedCount: 12,
      operationsFailedCount: 0,
    });
    expect(applied.size).toBe(12);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    // Assess: no incident open, each resolved once, each job back with exactly 1 retry, activatable once.
    expect(await incidentsOf(tenantId, 'ACTIVE')).toEqual([]);
    const resolved = await incidentsOf(tenantId, 'RESOLVED');
    expect(resolved.map((incident) => incident.processInstanceKey).sort()).toEqual([...keys].sort());
    const again = await activate(tenantId, 'e2e-charge-card');
    expect(again.map((job) => job.processInstanceKey).sort()).toEqual([...keys].sort());
    expect(again.every((job) => job.retries === 1)).toBe(true);
    expect(await activate(tenantId, 'e2e-charge-card')).toEqual([]);
  });
});

describe('RESTART_PROCESS_INSTANCE with the worker killed half-way through a chunk', () => {
  it('starts exactly one new instance per restarted instance after redelivery', async () => {
    // Prepare: 10 completed payments; the 3rd restart commit never happens, the 6th is applied (the
    // new instance created) but the worker dies before it hears back.
    const tenantId = 'faults-restart';
    expect((await api.deploy(['e2e-payment.bpmn'], tenantId)).status).toBe(200);
    const keys = await start('e2e-payment', tenantId, 10);
    for (const job of await activate(tenantId, 'e2e-charge-card')) {
      expect((await api.post(`/v2/jobs/${job.jobKey}/completion`, {})).status).toBe(204);
    }
    const filter = { processDefinitionId: 'e2e-payment', tenantId };
    const instancesOfDefinition = async () => {
      const { body } = await api.post('/v2/process-instances/search', { filter, page: { limit: 100 } });
      return body.items as { processInstanceKey: string; state: string }[];
    };
    expect((await instancesOfDefinition()).map((instance) => instance.state)).toEqual(
      Array(10).fill('COMPLETED'),
    );
    const mine = new Set(keys);
    const seen = killWorkerAtCommits(mine, 3, 6);
    const applied = countCommits(mine);

    // Act
    const batchOperationKey = await createBatch('/v2/extensions/process-instances/restart', {
      filter: { ...filter, state: 'COMPLETED' },
      startInstructions: [{ elementId: 'charge-card' }],
    });
    const batch = await api.finalBatch(batchOperationKey);

    // Assess: every item once, every commit once
    expect(seen.commits).toBeGreaterThan(10);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(batch).toMatchObject({
      operationsTotalCount: 10,
      operationsCompletedCount: 10,
      operationsFailedCount: 0,
    });
    expect(applied.size).toBe(10);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    // Assess: ten new instances, one per old one, each naming the other.
    const after = await instancesOfDefinition();
    expect(after).toHaveLength(20);
    const started = after.filter((instance) => !mine.has(instance.processInstanceKey));
    expect(started.map((instance) => instance.state)).toEqual(Array(10).fill('ACTIVE'));
    const restartedFrom = new Map<string, string>();
    for (const { processInstanceKey } of started) {
      const { body } = await api.get(`/v2/process-instances/${processInstanceKey}`);
      expect(body.restartedFrom.batchOperationKey).toBe(batchOperationKey);
      restartedFrom.set(body.restartedFrom.processInstanceKey, processInstanceKey);
    }
    expect([...restartedFrom.keys()].sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const { body } = await api.get(`/v2/process-instances/${key}`);
      expect(body.restartedAs).toEqual([{ processInstanceKey: restartedFrom.get(key), batchOperationKey }]);
    }
    // Each new instance waits at charge-card with one job.
    const jobs = await activate(tenantId, 'e2e-charge-card');
    expect(jobs.map((job) => job.processInstanceKey).sort()).toEqual(
      started.map((instance) => instance.processInstanceKey).sort(),
    );
  });
});

describe('DynamoDB throttling during an engine-step operation (SET_JOB_RETRIES)', () => {
  it('retries what the SDK gave up on and sets every job once, with exact counts', async () => {
    // Prepare: 12 fulfilments with two open jobs each (pack and label). Every 3rd engine commit,
    // instance read or chunk record is throttled once or twice (the SDK retries it); the 2nd and 7th
    // engine commit and the 2nd chunk record fail beyond the SDK's retries (the chunk comes back).
    const tenantId = 'faults-retries';
    expect((await api.deploy(['e2e-fulfilment.bpmn'], tenantId)).status).toBe(200);
    const keys = await start('e2e-fulfilment', tenantId, 12);
    const mine = new Set(keys);
    const table = services().config.PROCESS_INSTANCES_TABLE;
    let candidates = 0;
    let commits = 0;
    let chunkCompletions = 0;
    let escaped = 0;
    faults.use((call) => {
      const commit = committedInstance(call, mine) !== undefined;
      if (commit && [2, 7].includes(++commits)) {
        escaped++;
        return { kind: 'fail', error: throttlingError() };
      }
      const chunkCompletion = isChunkCompletion(call);
      if (chunkCompletion && ++chunkCompletions === 2) {
        escaped++;
        return { kind: 'fail', error: throttlingError() };
      }
      const instanceRead =
        call.operation === 'GetItem' &&
        call.input.TableName === table &&
        mine.has(String(call.input.Key?.processInstanceKey));
      if (!(commit || chunkCompletion || instanceRead) || ++candidates % 3 !== 0) return undefined;
      return { kind: 'throttled', times: candidates % 2 === 0 ? 2 : 1 };
    });
    const applied = countCommits(mine);
    const throttledBefore = faults.throttled;

    // Act
    const batch = await api.finalBatch(
      await createBatch('/v2/extensions/process-instances/job-retries', {
        filter: { processDefinitionId: 'e2e-fulfilment', tenantId },
        retries: 5,
      }),
    );

    // Assess
    expect(escaped).toBe(3);
    expect(faults.throttled - throttledBefore).toBeGreaterThan(5);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(batch).toMatchObject({
      operationsTotalCount: 12,
      operationsCompletedCount: 12,
      operationsFailedCount: 0,
    });
    expect(applied.size).toBe(12);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    // Every job of every instance carries the new retries.
    for (const type of ['e2e-pack', 'e2e-label']) {
      const jobs = await activate(tenantId, type);
      expect(jobs.map((job) => job.processInstanceKey).sort()).toEqual([...keys].sort());
      expect(jobs.every((job) => job.retries === 5)).toBe(true);
    }
  });
});

describe('an instance that changed between initialization and execution of a step operation', () => {
  it('fails its item with the engine reason and goes on with the rest (RESOLVE_INCIDENT)', async () => {
    // Prepare: 10 payments with incidents; the batch is suspended before any shard reads an instance.
    const tenantId = 'faults-changed';
    const keys = await paymentsWithIncidents(tenantId, 10);
    const key = await suspendedBatch('/v2/process-instances/incident-resolution', {
      filter: { processDefinitionId: 'e2e-payment', tenantId },
    });
    expect((await api.get(`/v2/batch-operations/${key}`)).body).toMatchObject({
      state: 'SUSPENDED',
      operationsTotalCount: 10,
      operationsCompletedCount: 0,
    });
    // Someone resolves three of the incidents by hand, and the third instance's job then completes it.
    const open = await incidentsOf(tenantId, 'ACTIVE');
    const resolvedByHand = keys.slice(0, 3);
    for (const instanceKey of resolvedByHand) {
      const incident = open.find((candidate) => candidate.processInstanceKey === instanceKey);
      // As Camunda requires: the job gets retries back before its JOB_NO_RETRIES incident is resolved.
      const patch = await call('PATCH', `/v2/jobs/${incident?.jobKey}`, { changeset: { retries: 3 } });
      expect(patch.status).toBe(204);
      expect((await api.post(`/v2/incidents/${incident?.incidentKey}/resolution`)).status).toBe(204);
    }
    const runningAgain = await activate(tenantId, 'e2e-charge-card');
    expect(runningAgain.map((job) => [job.processInstanceKey, job.retries]).sort()).toEqual(
      resolvedByHand.map((instanceKey) => [instanceKey, 3]).sort(),
    );
    const completed = keys[2];
    const completedJob = runningAgain.find((job) => job.processInstanceKey === completed);
    expect((await api.post(`/v2/jobs/${completedJob?.jobKey}/completion`, {})).status).toBe(204);
    expect((await api.get(`/v2/process-instances/${completed}`)).body.state).toBe('COMPLETED');

    // Act
    expect((await api.post(`/v2/batch-operations/${key}/resumption`)).status).toBe(204);
    const batch = await api.finalBatch(key);

    // Assess
    const { items } = await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(batch).toMatchObject({
      operationsTotalCount: 10,
      operationsCompletedCount: 7,
      operationsFailedCount: 3,
      errors: [],
    });
    const failed = new Map(
      items.filter((item) => item.state === 'FAILED').map((item) => [item.processInstanceKey, item]),
    );
    expect([...failed.keys()].sort()).toEqual([...resolvedByHand].sort());
    for (const instanceKey of resolvedByHand) {
      expect(failed.get(instanceKey)?.errorMessage).toBe(
        `Expected to resolve the incidents of process instance with key '${instanceKey}', but it has no open incident`,
      );
    }
    expect(await incidentsOf(tenantId, 'ACTIVE')).toEqual([]);
    // The seven the batch resolved run again, with 1 retry; the jobs resolved by hand were not touched.
    const again = await activate(tenantId, 'e2e-charge-card');
    expect(again.map((job) => [job.processInstanceKey, job.retries]).sort()).toEqual(
      keys
        .slice(3)
        .map((instanceKey) => [instanceKey, 1])
        .sort(),
    );
    expect((await api.get(`/v2/process-instances/${completed}`)).body.state).toBe('COMPLETED');
  });
});

describe('MODIFY_PROCESS_INSTANCE with the worker killed and requests throttled', () => {
  it('moves each token once: one element instance at the target, the source job gone', async () => {
    // Prepare: 10 orders waiting at check-stock. The 2nd modification commit never happens, the 5th
    // is applied but the worker dies before it hears back, and the 8th and 11th are throttled beyond
    // the SDK's retries; the chunks come back until each item is done.
    const tenantId = 'faults-modify';
    expect((await api.deploy(['e2e-order.bpmn'], tenantId)).status).toBe(200);
    const keys = await start('e2e-order', tenantId, 10);
    const mine = new Set(keys);
    let commits = 0;
    faults.use((call) => {
      if (!committedInstance(call, mine)) return undefined;
      commits++;
      if (commits === 2) return { kind: 'fail', error: workerKilled() };
      if (commits === 5) return { kind: 'lose-response', error: workerKilled() };
      if (commits === 8 || commits === 11) return { kind: 'fail', error: throttlingError() };
      return undefined;
    });
    const applied = countCommits(mine);

    // Act
    const batch = await api.finalBatch(
      await createBatch('/v2/process-instances/modification', {
        filter: { processDefinitionId: 'e2e-order', tenantId },
        moveInstructions: [{ sourceElementId: 'check-stock', targetElementId: 'ship' }],
      }),
    );

    // Assess
    expect(commits).toBeGreaterThan(10);
    await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(batch).toMatchObject({
      operationsTotalCount: 10,
      operationsCompletedCount: 10,
      operationsFailedCount: 0,
    });
    expect(applied.size).toBe(10);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    for (const key of keys) {
      const instance = await services().instances.getInstance(key);
      expect(
        instance?.elementInstances
          .filter((element) => element.state === 'ACTIVE')
          .map((element) => element.elementId),
      ).toEqual(['ship']);
    }
    expect(await activate(tenantId, 'check-stock')).toEqual([]);
  });
});

describe('an instance canceled between initialization and execution of a step operation', () => {
  it('fails the items of instances canceled meanwhile with the engine reason (SET_JOB_RETRIES)', async () => {
    // Prepare: 8 fulfilments with two open jobs each; the batch is suspended before it runs.
    const tenantId = 'faults-canceled';
    expect((await api.deploy(['e2e-fulfilment.bpmn'], tenantId)).status).toBe(200);
    const keys = await start('e2e-fulfilment', tenantId, 8);
    const key = await suspendedBatch('/v2/extensions/process-instances/job-retries', {
      filter: { processDefinitionId: 'e2e-fulfilment', tenantId },
      retries: 6,
    });
    // Someone cancels two of the instances.
    const canceled = keys.slice(0, 2);
    for (const instanceKey of canceled) {
      expect((await api.post(`/v2/process-instances/${instanceKey}/cancellation`, {})).status).toBe(204);
    }

    // Act
    expect((await api.post(`/v2/batch-operations/${key}/resumption`)).status).toBe(204);
    const batch = await api.finalBatch(key);

    // Assess
    const { items } = await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(batch).toMatchObject({
      operationsTotalCount: 8,
      operationsCompletedCount: 6,
      operationsFailedCount: 2,
      errors: [],
    });
    const failed = items.filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => [item.processInstanceKey, item.errorMessage]).sort()).toEqual(
      canceled
        .map((instanceKey) => [
          instanceKey,
          `Expected to set the retries of the jobs of process instance with key '${instanceKey}', but it is TERMINATED: only ACTIVE instances have jobs to retry`,
        ])
        .sort(),
    );
    expect(batch.itemErrorSummary).toEqual([
      {
        errorMessage:
          "Expected to set the retries of the jobs of process instance with key '{processInstanceKey}', but it is TERMINATED: only ACTIVE instances have jobs to retry",
        count: 2,
      },
    ]);
    const pack = await activate(tenantId, 'e2e-pack');
    expect(pack.map((job) => job.processInstanceKey).sort()).toEqual(keys.slice(2).sort());
    expect(pack.every((job) => job.retries === 6)).toBe(true);
  });
});

describe('an engine step that loses a race to a change made while it commits', () => {
  it('reads and decides again, fails the item with the engine reason, and applies nothing twice (RESOLVE_INCIDENT)', async () => {
    // Prepare: 4 payments with incidents; the batch's commit for the first is held until someone has
    // resolved that incident by hand (after giving the job retries back), then sent as decided before.
    const tenantId = 'faults-race';
    const keys = await paymentsWithIncidents(tenantId, 4);
    const [raced] = keys;
    const [incident] = (await incidentsOf(tenantId, 'ACTIVE')).filter(
      (open) => open.processInstanceKey === raced,
    );
    let release = () => {};
    const commitHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached = () => {};
    const commitReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let held = false;
    faults.use((call) => {
      if (held || !committedInstance(call, new Set([raced]))) return undefined;
      held = true;
      reached();
      return { kind: 'hold', until: commitHeld };
    });
    const applied = countCommits(new Set(keys));
    const batchOperationKey = await createBatch('/v2/process-instances/incident-resolution', {
      filter: { processDefinitionId: 'e2e-payment', tenantId },
    });

    // Act: the change that wins the race, then the held commit goes out.
    await commitReached;
    const patch = await call('PATCH', `/v2/jobs/${incident.jobKey}`, { changeset: { retries: 3 } });
    expect(patch.status).toBe(204);
    expect((await api.post(`/v2/incidents/${incident.incidentKey}/resolution`)).status).toBe(204);
    release();
    const batch = await api.finalBatch(batchOperationKey);

    // Assess: the stale commit was refused; decided again, the instance has no incident left.
    const { items } = await assertBatchInvariants(batch, { state: 'COMPLETED', matching: keys });
    expect(batch).toMatchObject({
      operationsTotalCount: 4,
      operationsCompletedCount: 3,
      operationsFailedCount: 1,
    });
    expect(items.find((item) => item.processInstanceKey === raced)).toMatchObject({
      state: 'FAILED',
      errorMessage: `Expected to resolve the incidents of process instance with key '${raced}', but it has no open incident`,
    });
    // One commit per instance: the hand's for the raced one, the batch's for the others.
    expect([...applied.entries()].sort()).toEqual(keys.map((key) => [key, 1]).sort());
    const resolved = await incidentsOf(tenantId, 'RESOLVED');
    expect(resolved.map((open) => open.processInstanceKey).sort()).toEqual([...keys].sort());
    const again = await activate(tenantId, 'e2e-charge-card');
    expect(again.map((job) => [job.processInstanceKey, job.retries]).sort()).toEqual(
      keys.map((key) => [key, key === raced ? 3 : 1]).sort(),
    );
  });
});
