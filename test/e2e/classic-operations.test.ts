import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromSequence } from '../../functions/domain/keys.ts';
import { type EmbeddedRuntime, startEmbeddedRuntime } from '../../local/embedded-runtime.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';

/**
 * The classic-engine extensions end to end over HTTP on the embedded runtime: batches that name
 * their instances by key (in union with a filter), and cancellation with a reason.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  runtime = await startEmbeddedRuntime({
    port: 0,
    config: { SHARD_COUNT: '3', CHUNK_SIZE: '4' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  expect((await api.deploy(['e2e-order.bpmn', 'e2e-payment.bpmn', 'e2e-invoice.bpmn'])).status).toBe(200);
});
afterAll(() => runtime?.stop());

async function start(processDefinitionId: string, variables: Record<string, unknown> = {}) {
  const { status, body } = await api.post('/v2/process-instances', { processDefinitionId, variables });
  expect(status).toBe(200);
  return body.processInstanceKey as string;
}

function awaitFinalBatch(batchOperationKey: string) {
  let last: unknown;
  return eventually(
    async () => {
      const { body } = await api.get(`/v2/batch-operations/${batchOperationKey}`);
      last = body;
      return ['COMPLETED', 'PARTIALLY_COMPLETED', 'FAILED', 'CANCELED'].includes(body.state)
        ? body
        : undefined;
    },
    () => `batch ${batchOperationKey} still ${JSON.stringify(last)}`,
  );
}

type Item = { processInstanceKey: string; state: string; errorMessage?: string; operationType: string };

async function itemsOf(batchOperationKey: string): Promise<Map<string, Item>> {
  const { body } = await api.post('/v2/batch-operation-items/search', {
    filter: { batchOperationKey },
    page: { limit: 100 },
  });
  return new Map((body.items as Item[]).map((item) => [item.processInstanceKey, item]));
}

/** Creates a batch, waits for its end, and returns it with its items by instance key. */
async function runBatch(path: string, request: unknown) {
  const creation = await api.post(path, request);
  expect(creation.status, JSON.stringify(creation.body)).toBe(200);
  const batch = await awaitFinalBatch(creation.body.batchOperationKey);
  return { batch, items: await itemsOf(batch.batchOperationKey) };
}

describe('a batch that names its instances by key (processInstanceKeys)', () => {
  it('cancels the listed instances and the filter matches, each once, and fails an unknown key by name', async () => {
    // Prepare: two invoices matched by the filter, one listed order, one listed invoice (also matched).
    const invoices = [await start('e2e-invoice'), await start('e2e-invoice')];
    const order = await start('e2e-order');
    const untouched = await start('e2e-order');
    const unknown = keyFromSequence(9_000_000);
    const request = {
      filter: { processDefinitionId: 'e2e-invoice', state: 'ACTIVE' },
      processInstanceKeys: [order, invoices[0], unknown],
    };

    // Act
    const dryRun = await api.post('/v2/extensions/process-instances/cancellation/dry-run', request);
    const { batch, items } = await runBatch('/v2/process-instances/cancellation', request);

    // Assess: the dry run agreed with the batch; the unknown key is a FAILED item naming it.
    expect(dryRun.body.total).toBe(4);
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 4,
      operationsCompletedCount: 3,
      operationsFailedCount: 1,
    });
    expect([...items.keys()].sort()).toEqual([...invoices, order, unknown].sort());
    expect(items.get(unknown)).toMatchObject({
      state: 'FAILED',
      errorMessage: `Expected to cancel process instance with key '${unknown}', but no such process instance was found`,
    });
    for (const key of [...invoices, order]) {
      expect(items.get(key)?.state).toBe('COMPLETED');
      expect((await api.get(`/v2/process-instances/${key}`)).body.state).toBe('CANCELED');
    }
    expect((await api.get(`/v2/process-instances/${untouched}`)).body.state).toBe('ACTIVE');
  });

  it('fails a listed instance the operation does not apply to, with the engine reason', async () => {
    // Prepare: an instance canceled before.
    const finished = await start('e2e-order');
    expect((await api.post(`/v2/process-instances/${finished}/cancellation`, {})).status).toBe(204);

    // Act
    const { batch, items } = await runBatch('/v2/process-instances/cancellation', {
      processInstanceKeys: [finished],
    });

    // Assess
    expect(batch).toMatchObject({ state: 'COMPLETED', operationsTotalCount: 1, operationsFailedCount: 1 });
    expect(items.get(finished)?.errorMessage).toContain('but it is CANCELED');
  });

  it('rejects a request without filter and keys, and one with too many keys, saying why', async () => {
    // Act
    const none = await api.post('/v2/process-instances/cancellation', {});
    const tooMany = await api.post('/v2/process-instances/cancellation', {
      processInstanceKeys: Array.from({ length: 1001 }, (_, index) => keyFromSequence(index)),
    });

    // Assess
    expect(none).toMatchObject({ status: 400, body: { title: 'INVALID_ARGUMENT' } });
    expect(none.body.detail).toContain('filter or processInstanceKeys is required');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.detail).toContain('more than the maximum of 1000');
  });
});

describe('cancellation with a reason and skipCustomListeners', () => {
  it('records both on the batch and on every instance it cancels, and a retry keeps them', async () => {
    // Prepare
    const keys = [await start('e2e-order'), await start('e2e-order')];
    const missing = keyFromSequence(9_000_001);
    const cancellation = { reason: 'faulty release 1.4', skipCustomListeners: true };

    // Act
    const { batch } = await runBatch('/v2/process-instances/cancellation', {
      processInstanceKeys: [...keys, missing],
      ...cancellation,
    });
    const retry = await api.post(
      `/v2/extensions/batch-operations/${batch.batchOperationKey}/failed-items-retry`,
      {},
    );

    // Assess
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 2,
      parameters: cancellation,
    });
    for (const key of keys) {
      expect((await api.get(`/v2/process-instances/${key}`)).body).toMatchObject({
        state: 'CANCELED',
        cancellation: { batchOperationKey: batch.batchOperationKey, ...cancellation },
      });
    }
    const retried = await awaitFinalBatch(retry.body.batchOperationKey);
    expect(retried).toMatchObject({
      operationsTotalCount: 1,
      operationsFailedCount: 1,
      parameters: cancellation,
    });
  });

  it('cancels without recording anything extra when neither is given', async () => {
    // Prepare
    const key = await start('e2e-order');

    // Act
    const { batch } = await runBatch('/v2/process-instances/cancellation', { processInstanceKeys: [key] });

    // Assess
    expect(batch.parameters).toBeUndefined();
    const instance = (await api.get(`/v2/process-instances/${key}`)).body;
    expect(instance.state).toBe('CANCELED');
    expect(instance.cancellation).toBeUndefined();
  });

  it('rejects an empty or overlong reason and a non-boolean flag', async () => {
    // Act
    const responses = await Promise.all(
      [{ reason: '' }, { reason: 'x'.repeat(1001) }, { skipCustomListeners: 'yes' }].map((extra) =>
        api.post('/v2/process-instances/cancellation', {
          processInstanceKeys: [keyFromSequence(1)],
          ...extra,
        }),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    expect(responses[0].body.detail).toContain('reason');
    expect(responses[1].body.detail).toContain('reason');
    expect(responses[2].body.detail).toContain('skipCustomListeners');
  });
});
