import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '#commons/services.ts';
import type { Chunk } from '#domain/batch/chunk.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * Final means final: a batch reads CANCELED (or SUSPENDED) only once no item of it can still change.
 * Large chunks at a slow rate keep a chunk in flight for seconds, so the worker must notice the
 * request between small groups of items, not only between chunks.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let nextSequence = 50_000;

const CHUNK_SIZE = 100;
/** 20 items/s per shard: a chunk of 100 runs for 5 s. */
const ITEMS_PER_SECOND = 40;
/** How long the tests watch a final (or suspended) batch for changes. */
const OBSERVE_MS = 3000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: String(CHUNK_SIZE), WORKER_CONCURRENCY: '4' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

async function rateLimitedCancellation(count: number) {
  const processDefinitionId = `final-${nextSequence}`;
  const instances = Array.from({ length: count }, () =>
    processInstance(nextSequence++, { processDefinitionId }),
  );
  await services().instances.putInstances(instances);
  const { status, body } = await api.post('/v2/process-instances/cancellation', {
    filter: { processDefinitionId },
    itemsPerSecond: ITEMS_PER_SECOND,
  });
  expect(status).toBe(200);
  return {
    key: body.batchOperationKey as string,
    keys: instances.map((i) => i.processInstanceKey),
    processDefinitionId,
  };
}

/** Reads instances a few at a time (the emulator shares two CPUs with the rest of the runtime). */
async function readInstances(keys: string[]) {
  const found = [];
  for (let start = 0; start < keys.length; start += 25) {
    found.push(
      ...(await Promise.all(keys.slice(start, start + 25).map((k) => services().instances.getInstance(k)))),
    );
  }
  return found;
}

const batch = async (key: string) => (await api.get(`/v2/batch-operations/${key}`)).body;

function until(key: string, accept: (body: Record<string, unknown>) => boolean, timeoutMs = 60_000) {
  let last: unknown;
  return eventually(
    async () => {
      const body = await batch(key);
      last = body;
      return accept(body) ? body : undefined;
    },
    () => `batch ${key}: ${JSON.stringify(last)}`,
    timeoutMs,
  );
}

/** Everything a client can see of a batch: its record, every item's state, every instance's state. */
async function snapshot(key: string, keys: string[]) {
  const chunks: Chunk[] = [];
  for await (const chunk of services().chunks.read({ batchOperationKey: key })) chunks.push(chunk);
  const instances = await readInstances(keys);
  return {
    batch: await batch(key),
    chunks: chunks.map((chunk) => new Set(chunk.items.map((item) => item.state)).size),
    items: chunks.flatMap((chunk) => chunk.items.map((item) => `${item.processInstanceKey}:${item.state}`)),
    instances: instances.map((instance) => `${instance?.processInstanceKey}:${instance?.state}`),
  };
}

/** Instances the batch has changed so far (items are recorded per chunk; instances change per item). */
async function canceledInstances(processDefinitionId: string): Promise<number> {
  const { body } = await api.post('/v2/process-instances/search', {
    filter: { processDefinitionId, state: 'CANCELED' },
    page: { limit: 1 },
  });
  return body.page.totalItems;
}

describe('final means final', () => {
  it('cancels a rate-limited batch mid-chunk: from the first CANCELED read nothing changes', async () => {
    // Prepare: a chunk is in flight, some of its items applied, its record not yet written.
    const { key, keys, processDefinitionId } = await rateLimitedCancellation(300);
    await eventually(
      async () => ((await canceledInstances(processDefinitionId)) >= 30 ? true : undefined),
      () => 'no item processed',
    );
    // Act
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`)).status).toBe(204);
    const requested = await batch(key);
    const canceled = await until(key, (body) => body.state === 'CANCELED');
    const first = await snapshot(key, keys);
    await new Promise((resolve) => setTimeout(resolve, OBSERVE_MS));
    const later = await snapshot(key, keys);
    // Assess: the request showed at once; the chunk in flight stopped within a group, not at its end.
    expect(requested.cancelRequestedAt).toEqual(expect.any(String));
    expect(requested.state).not.toBe('CANCELED');
    expect(canceled.endDate).toEqual(expect.any(String));
    expect(later).toEqual(first);
    const items = first.items.map((item) => item.split(':')[1]);
    const completed = items.filter((state) => state === 'COMPLETED').length;
    expect(items.filter((state) => state === 'ACTIVE')).toEqual([]);
    expect(completed + items.filter((state) => state === 'CANCELED').length).toBe(300);
    expect(first.batch).toMatchObject({
      state: 'CANCELED',
      operationsTotalCount: 300,
      operationsCompletedCount: completed,
      operationsFailedCount: 0,
    });
    expect(await canceledInstances(processDefinitionId)).toBe(completed);
    expect(completed).toBeLessThan(300);
    // A chunk stopped half-way: some of its items COMPLETED, the rest CANCELED.
    expect(first.chunks.some((states) => states > 1)).toBe(true);
  }, 150_000);

  it('suspends a rate-limited batch mid-chunk: while SUSPENDED nothing changes, then it resumes to exact counts', async () => {
    // Prepare
    const { key, keys, processDefinitionId } = await rateLimitedCancellation(300);
    await eventually(
      async () => ((await canceledInstances(processDefinitionId)) >= 30 ? true : undefined),
      () => 'no item processed',
    );
    // Act
    expect((await api.post(`/v2/batch-operations/${key}/suspension`)).status).toBe(204);
    const requested = await batch(key);
    await until(key, (body) => body.state === 'SUSPENDED');
    const first = await snapshot(key, keys);
    await new Promise((resolve) => setTimeout(resolve, OBSERVE_MS));
    const later = await snapshot(key, keys);
    expect((await api.post(`/v2/batch-operations/${key}/resumption`)).status).toBe(204);
    const finished = await until(key, (body) => body.state === 'COMPLETED', 90_000);
    // Assess
    expect(requested.suspendRequestedAt).toEqual(expect.any(String));
    expect(later).toEqual(first);
    expect(first.batch.suspendRequestedAt).toBeUndefined();
    expect(finished).toMatchObject({
      operationsTotalCount: 300,
      operationsCompletedCount: 300,
      operationsFailedCount: 0,
    });
    expect(await canceledInstances(processDefinitionId)).toBe(300);
  }, 150_000);

  it('reports readiness UP while running and DOWN from the moment it stops', async () => {
    const running = await runtime.readiness();
    const stopping = runtime.stop();
    const whileStopping = await runtime.readiness();
    await stopping;
    expect(running).toEqual({
      ready: true,
      checks: { runtime: 'UP', dynamodb: 'UP', sqs: 'UP', workflow: 'UP', queuePoller: 'UP' },
    });
    expect(whileStopping).toMatchObject({ ready: false, checks: { runtime: 'DOWN' } });
  });
});
