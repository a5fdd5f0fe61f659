import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '#commons/services.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * The operator's controls (issue 27) end to end on the embedded runtime: an honest view of a batch to
 * its end (shard states, current rate, estimated end) and the live changes of a running batch.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let nextSequence = 70_000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    // Every batch here goes through the engine's shared budget, far above their own rates.
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '10', ENGINE_MAX_ITEMS_PER_SECOND: '500' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

/** Seeds `count` active instances of a definition of their own. */
async function seed(count: number) {
  const processDefinitionId = `controls-${nextSequence}`;
  const instances = Array.from({ length: count }, () =>
    processInstance(nextSequence++, { processDefinitionId }),
  );
  await services().instances.putInstances(instances);
  return { filter: { processDefinitionId } };
}

/** Polls the batch until `accept` returns a value for its body. */
function batchWhen<T>(key: string, accept: (body: Record<string, unknown>) => T | undefined) {
  let last: unknown;
  return eventually(
    async () => {
      const { body } = await api.get(`/v2/batch-operations/${key}`);
      last = body;
      return accept(body);
    },
    () => `batch ${key}: ${JSON.stringify(last)}`,
  );
}

describe('a batch read to its end', () => {
  it("shows its current rate and estimated end while it runs, and a COMPLETED batch's shards all read a final state", async () => {
    const created = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(40)),
      itemsPerSecond: 4,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey;
    const running = await batchWhen(key, (body) =>
      body.state === 'ACTIVE' && typeof body.estimatedEndDate === 'string' ? body : undefined,
    );
    expect(running.currentItemsPerSecond).toBeGreaterThan(0);
    expect(running.currentItemsPerSecond).toBeLessThanOrEqual(8);
    expect(Date.parse(running.estimatedEndDate as string)).toBeGreaterThan(Date.now());
    const done = await api.finalBatch(key);
    expect(done).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 40,
      currentItemsPerSecond: null,
      estimatedEndDate: null,
    });
    expect(done.shards.map((shard: { state: string }) => shard.state)).toEqual(['COMPLETED', 'COMPLETED']);
  });
});

describe('live changes', () => {
  it('takes a new rate while the batch runs, shows it in the measured rate and records it in the audit log', async () => {
    const created = await api.post('/v2/process-instances/cancellation', {
      ...(await seed(120)),
      itemsPerSecond: 2,
    });
    const key = created.body.batchOperationKey;
    const slow = await batchWhen(key, (body) =>
      (body.currentItemsPerSecond as number) > 0 ? body : undefined,
    );
    expect(slow.currentItemsPerSecond).toBeLessThanOrEqual(4);
    const patched = await api.patch(`/v2/extensions/batch-operations/${key}`, {
      itemsPerSecond: 40,
      priority: 50,
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { batchOperationKey: key, itemsPerSecond: 40, priority: 50 },
    });
    const fast = await batchWhen(key, (body) =>
      (body.currentItemsPerSecond as number) >= 10 || body.state !== 'ACTIVE' ? body : undefined,
    );
    expect(fast).toMatchObject({ itemsPerSecond: 40, priority: 50 });
    expect(await api.finalBatch(key)).toMatchObject({ state: 'COMPLETED', operationsCompletedCount: 120 });
    const audit = await api.get(`/v2/extensions/batch-operations/${key}/audit-log`);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(['CREATE', 'UPDATE']);
    expect(audit.body.items[1]).toMatchObject({
      actorId: 'demo',
      changes: { itemsPerSecond: 40, priority: 50 },
    });
  });

  it('refuses a change of an ended batch (409), an unknown field or an empty change (400)', async () => {
    const created = await api.post('/v2/process-instances/cancellation', await seed(2));
    const key = created.body.batchOperationKey;
    await api.finalBatch(key);
    const ended = await api.patch(`/v2/extensions/batch-operations/${key}`, { priority: 5 });
    expect(ended).toMatchObject({ status: 409, body: { title: 'INVALID_STATE' } });
    expect(ended.body.detail).toContain('it is COMPLETED');
    const unknown = await api.patch(`/v2/extensions/batch-operations/${key}`, { windows: [] });
    expect(unknown.status).toBe(400);
    const empty = await api.patch(`/v2/extensions/batch-operations/${key}`, {});
    expect(empty).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    const missing = await api.patch('/v2/extensions/batch-operations/2251799813699999', { priority: 5 });
    expect(missing.status).toBe(404);
  });
});
