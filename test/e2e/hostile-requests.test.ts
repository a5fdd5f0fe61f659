import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILTER_LIST_VALUES, MAX_REQUEST_BODY_BYTES } from '#domain/limits.ts';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The hostile requests of issue 13, as an outsider sends them to `npm start`: each is a 400 problem
 * naming the limit it breaks, creation and dry run alike, and none leaves a batch behind.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let instanceKey: string;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, config: { SHARD_COUNT: '2' }, pollIntervalMs: 100 });
  api = apiClient(runtime.url);
  const deployed = await api.deploy(['e2e-order.bpmn']);
  const definitionKey = deployed.body.deployments[0].processDefinition.processDefinitionKey;
  instanceKey = (await api.post('/v2/process-instances', { processDefinitionKey: definitionKey })).body
    .processInstanceKey;
});
afterAll(() => runtime?.stop());

const keys = (count: number) => Array.from({ length: count }, (_, index) => String(2251799813685249 + index));
const batchCount = async () =>
  (await api.post('/v2/batch-operations/search', { page: { limit: 1 } })).body.page.totalItems as number;

/** Sends a filter to batch creation, its dry run and instance search: each answers 400 with `detail`. */
async function expectRefusedEverywhere(filter: unknown, detail: string) {
  for (const path of [
    '/v2/process-instances/cancellation',
    '/v2/extensions/process-instances/cancellation/dry-run',
    '/v2/process-instances/search',
  ]) {
    const response = await api.post(path, { filter });
    expect({ path, status: response.status, title: response.body.title }).toEqual({
      path,
      status: 400,
      title: 'INVALID_ARGUMENT',
    });
    expect(response.body.detail).toContain(detail);
  }
}

describe('hostile requests', () => {
  it('refuses $in with 25,000 and with 200,000 keys, naming the limit, and stores no batch', async () => {
    const before = await batchCount();
    await expectRefusedEverywhere(
      { processInstanceKey: { $in: keys(25_000) } },
      `filter.processInstanceKey.$in has 25,000 values, more than the limit of ${MAX_FILTER_LIST_VALUES.toLocaleString('en-US')}`,
    );
    await expectRefusedEverywhere(
      { processInstanceKey: { $in: keys(200_000) } },
      'filter.processInstanceKey.$in has 200,000 values',
    );
    expect(await batchCount()).toBe(before);
  });

  it("refuses a processDefinitionId outside Camunda's id pattern", async () => {
    const before = await batchCount();
    await expectRefusedEverywhere(
      { processDefinitionId: "x') OR attribute_exists(pk) OR ('" },
      'filter.processDefinitionId must be a process definition id',
    );
    expect(await batchCount()).toBe(before);
  });

  it('refuses a $like of 100,000 characters', async () => {
    const before = await batchCount();
    await expectRefusedEverywhere(
      { processDefinitionId: { $like: `${'x'.repeat(99_999)}*` } },
      'filter.processDefinitionId.$like has 100,000 characters, more than the limit of 256',
    );
    expect(await batchCount()).toBe(before);
  });

  it('refuses a 2 MB batch request whose filter is within the filter limits, as creation and as dry run', async () => {
    const before = await batchCount();
    // 20 alternatives of 4 variable conditions, each an $in of 25 values of 998 characters: about 2 MB,
    // every count and length within its own limit.
    const filter = {
      state: 'ACTIVE',
      $or: Array.from({ length: 20 }, (_, alternative) => ({
        variables: Array.from({ length: 4 }, (_, index) => ({
          name: `v${alternative}-${index}`,
          value: { $in: Array.from({ length: 25 }, () => `"${'x'.repeat(996)}"`) },
        })),
      })),
    };
    for (const path of [
      '/v2/process-instances/cancellation',
      '/v2/extensions/process-instances/cancellation/dry-run',
    ]) {
      const response = await api.post(path, { filter });
      expect(response.status).toBe(400);
      expect(response.body.detail).toMatch(
        /^The batch request \(filter, processInstanceKeys and operation parameters as JSON\) has [\d,]+ bytes, more than the limit of 204,800/,
      );
    }
    expect(await batchCount()).toBe(before);
  });

  it('refuses a body above 10 MB before any handler reads it', async () => {
    const before = await batchCount();
    const response = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'e2e-order', errorMessage: 'x'.repeat(12 * 1024 * 1024) },
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe(
      `The request body is larger than the limit of ${MAX_REQUEST_BODY_BYTES.toLocaleString('en-US')} bytes`,
    );
    expect(await batchCount()).toBe(before);
  });

  it('refuses to start an instance whose variables would not fit its record', async () => {
    const response = await api.post('/v2/process-instances', {
      processDefinitionId: 'e2e-order',
      variables: { blob: 'x'.repeat(300_000) },
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('variables has 300,011 bytes as JSON, more than the limit of 131,072');
  });

  it('echoes a non-ASCII Idempotency-Key intact when it is reused for another request', async () => {
    // fetch sends header values as bytes: the key's UTF-8 bytes, as curl would send them.
    const key = 'clé-ünïcode-✓';
    const header = { 'Idempotency-Key': Buffer.from(key, 'utf8').toString('latin1') };
    const first = await api.post(
      '/v2/process-instances/cancellation',
      { filter: { processInstanceKey: instanceKey } },
      header,
    );
    expect(first.status).toBe(200);
    const reused = await api.post(
      '/v2/process-instances/cancellation',
      { filter: { processInstanceKey: instanceKey, state: 'ACTIVE' } },
      header,
    );
    expect(reused.status).toBe(422);
    expect(reused.body.detail).toBe(
      `Idempotency-Key '${key}' was already used with a different request; use a new key for a new request`,
    );
  });
});
