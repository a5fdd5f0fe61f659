import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '#commons/services.ts';
import type { Chunk } from '#domain/batch/chunk.ts';
import { apiClient, DEMO_CREDENTIALS, eventually } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * The creation request's controls and the recovery features, through the API on the embedded
 * runtime: Idempotency-Key, retry of failed items, failure threshold, rate limit.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let nextSequence = 50_000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '10' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

/** Seeds instances of a definition of their own; `completed` of them already finished. */
async function seed(count: number, completed = 0) {
  const processDefinitionId = `controls-${nextSequence}`;
  const instances = Array.from({ length: count }, (_, index) =>
    processInstance(nextSequence++, {
      processDefinitionId,
      ...(index < completed ? { state: 'COMPLETED' as const, endDate: new Date().toISOString() } : {}),
    }),
  );
  await services().instances.putInstances(instances);
  return { processDefinitionId, instances };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { authorization: DEMO_CREDENTIALS, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON under test
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

function ended(key: string) {
  let last: unknown;
  return eventually(
    async () => {
      const { body } = await api.get(`/v2/batch-operations/${key}`);
      last = body;
      return ['COMPLETED', 'PARTIALLY_COMPLETED', 'FAILED', 'CANCELED'].includes(body.state)
        ? body
        : undefined;
    },
    () => `batch ${key}: ${JSON.stringify(last)}`,
  );
}

async function items(batchOperationKey: string) {
  const found: Chunk['items'] = [];
  for await (const chunk of services().chunks.read({ batchOperationKey })) found.push(...chunk.items);
  return found;
}

describe('Idempotency-Key', () => {
  it('creates one batch for the same request sent with the same key, at once or later', async () => {
    const { processDefinitionId } = await seed(20);
    const request = { filter: { processDefinitionId } };
    const send = () => post('/v2/process-instances/cancellation', request, { 'Idempotency-Key': 'k-1' });
    const [first, concurrent] = await Promise.all([send(), send()]);
    const later = await send();
    expect(first.status).toBe(200);
    expect(concurrent).toEqual(first);
    expect(later).toEqual(first);
    expect(await ended(first.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 20,
      operationsCompletedCount: 20,
    });
  });

  it('refuses the same key with a different request (422) and creates a batch per request without a key', async () => {
    const { processDefinitionId } = await seed(5);
    await post(
      '/v2/process-instances/cancellation',
      { filter: { processDefinitionId } },
      { 'Idempotency-Key': 'k-2' },
    );
    const reused = await post(
      '/v2/process-instances/cancellation',
      { filter: { processDefinitionId: 'other' } },
      { 'Idempotency-Key': 'k-2' },
    );
    const [one, two] = await Promise.all(
      [1, 2].map(() => post('/v2/process-instances/cancellation', { filter: { processDefinitionId } })),
    );
    expect(reused.status).toBe(422);
    expect(reused.body.detail).toContain("Idempotency-Key 'k-2' was already used with a different request");
    expect(one.body.batchOperationKey).not.toBe(two.body.batchOperationKey);
  });
});

describe('retry of failed items', () => {
  it('creates a new batch over exactly the failed items of an ended batch', async () => {
    // Prepare: 30 instances, 12 already completed, so the first batch fails 12 items.
    const { processDefinitionId, instances } = await seed(30, 12);
    const first = await post('/v2/process-instances/cancellation', { filter: { processDefinitionId } });
    expect(await ended(first.body.batchOperationKey)).toMatchObject({ operationsFailedCount: 12 });
    // The cause is fixed for 5 of them (running again), the other 7 stay completed.
    await services().instances.putInstances(
      instances
        .slice(0, 5)
        .map(({ endDate: _ended, ...instance }) => ({ ...instance, state: 'ACTIVE' as const })),
    );
    // Act
    const retry = await post(
      `/v2/extensions/batch-operations/${first.body.batchOperationKey}/failed-items-retry`,
      {},
    );
    const finished = await ended(retry.body.batchOperationKey);
    // Assess
    expect(retry.status).toBe(200);
    expect(retry.body.batchOperationType).toBe('CANCEL_PROCESS_INSTANCE');
    expect(finished).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 12,
      operationsCompletedCount: 5,
      operationsFailedCount: 7,
    });
    const retried = (await items(retry.body.batchOperationKey)).map((item) => item.processInstanceKey).sort();
    expect(retried).toEqual(
      instances
        .slice(0, 12)
        .map((instance) => instance.processInstanceKey)
        .sort(),
    );
  });

  it('refuses to retry a batch that has not ended (409) or does not exist (404)', async () => {
    const { processDefinitionId } = await seed(5);
    const running = await post('/v2/process-instances/cancellation', { filter: { processDefinitionId } });
    await post(`/v2/batch-operations/${running.body.batchOperationKey}/suspension`, {});
    const early = await post(
      `/v2/extensions/batch-operations/${running.body.batchOperationKey}/failed-items-retry`,
      {},
    );
    const unknown = await post('/v2/extensions/batch-operations/2251799813685999/failed-items-retry', {});
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('wait until it has ended');
    expect(unknown.status).toBe(404);
    await post(`/v2/batch-operations/${running.body.batchOperationKey}/cancellation`, {});
  });
});

describe('failure threshold and rate limit', () => {
  it('ends a batch FAILED once too many items failed, and accounts for the rest as not processed', async () => {
    // Prepare: 200 instances, the first 120 (in key order) already completed.
    const { processDefinitionId } = await seed(200, 120);
    // Act
    const created = await post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      failureThreshold: { percentage: 20, minProcessedItems: 10 },
    });
    const failed = await ended(created.body.batchOperationKey);
    // Assess: no item left pending, counters equal item states.
    expect(failed.state).toBe('FAILED');
    expect(failed.errors[0].message).toMatch(
      /^Failure threshold exceeded: \d+ of \d+ processed items failed, more than 20%$/,
    );
    const all = await eventually(
      async () => {
        const found = await items(created.body.batchOperationKey);
        return found.every((item) => item.state !== 'ACTIVE') ? found : undefined;
      },
      () => 'items still pending',
    );
    const count = (state: string) => all.filter((item) => item.state === state).length;
    const final = (await api.get(`/v2/batch-operations/${created.body.batchOperationKey}`)).body;
    expect(count('COMPLETED')).toBe(final.operationsCompletedCount);
    expect(count('FAILED')).toBe(final.operationsFailedCount);
    expect(count('CANCELED')).toBeGreaterThan(0);
    expect(all).toHaveLength(200);
    expect(all.find((item) => item.state === 'CANCELED')?.errorMessage).toBe(
      'The batch ended FAILED before this item was processed',
    );
  });

  it('runs a rate-limited batch to the end and refuses a rate its workers could not keep within their time', async () => {
    const { processDefinitionId } = await seed(20);
    const tooSlow = await post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 0.1,
    });
    const paced = await post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 40,
    });
    expect(tooSlow.status).toBe(400);
    expect(tooSlow.body.detail).toContain(
      'itemsPerSecond must be at least 0.34: the rate is shared by 2 shards',
    );
    expect(await ended(paced.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 20,
    });
  });
});
