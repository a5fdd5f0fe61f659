import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The set-variables extension (Camunda 7's set-variables batch) through the embedded runtime's HTTP
 * API: `POST /v2/extensions/process-instances/variables` with `{filter, processInstanceKeys?, variables}`.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '2' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

describe('the set-variables batch', () => {
  const keys: string[] = [];

  beforeAll(async () => {
    expect((await api.deploy(['e2e-payment.bpmn'])).status).toBe(200);
    for (let order = 0; order < 4; order++) {
      const created = await api.post('/v2/process-instances', {
        processDefinitionId: 'e2e-payment',
        variables: { order, region: order < 2 ? 'EU' : 'US' },
      });
      keys.push(created.body.processInstanceKey);
    }
    expect((await api.post(`/v2/process-instances/${keys[3]}/cancellation`)).status).toBe(204);
  });

  it('sets the variables on every matching instance, which a later search by variable finds', async () => {
    const created = await api.post('/v2/extensions/process-instances/variables', {
      filter: { processDefinitionId: 'e2e-payment', variables: [{ name: 'region', value: '"EU"' }] },
      processInstanceKeys: [keys[3]],
      variables: { priority: 'high', region: 'EU-West' },
    });
    expect(created.status).toBe(200);
    expect(created.body.batchOperationType).toBe('SET_VARIABLES');
    const batch = await api.finalBatch(created.body.batchOperationKey);
    expect(batch).toMatchObject({ operationsCompletedCount: 2, operationsFailedCount: 1 });

    const found = await api.post('/v2/process-instances/search', {
      filter: { variables: [{ name: 'priority', value: '"high"' }] },
    });
    expect(found.body.items.map((i: { processInstanceKey: string }) => i.processInstanceKey).sort()).toEqual(
      [keys[0], keys[1]].sort(),
    );
    const renamed = await api.post('/v2/process-instances/search', {
      filter: { variables: [{ name: 'region', value: '"EU-West"' }] },
    });
    expect(renamed.body.page.totalItems).toBe(2);
  });

  it('fails the item of an instance that is not ACTIVE with the engine reason', async () => {
    const search = await api.post('/v2/batch-operations/search', {
      filter: { operationType: 'SET_VARIABLES' },
    });
    const { batchOperationKey } = search.body.items[0];
    const items = await api.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey, state: 'FAILED' },
    });
    expect(items.body.items).toEqual([
      expect.objectContaining({
        processInstanceKey: keys[3],
        errorMessage: `Expected to set variables of process instance with key '${keys[3]}', but it is TERMINATED: only ACTIVE and SUSPENDED instances take variables`,
      }),
    ]);
  });

  it('refuses bad bodies with 400', async () => {
    const path = '/v2/extensions/process-instances/variables';
    for (const body of [
      { filter: { processDefinitionId: 'e2e-payment' } },
      { filter: { processDefinitionId: 'e2e-payment' }, variables: {} },
      { filter: { processDefinitionId: 'e2e-payment' }, variables: [] },
      { filter: {}, variables: { a: 1 } },
      { filter: { processDefinitionId: 'e2e-payment' }, variables: { a: 1 }, scope: 'local' },
    ]) {
      const refused = await api.post(path, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
  });
});
