import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromSequence } from '#domain/keys.ts';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The classic-engine extensions end to end over HTTP on the embedded runtime: batches that name
 * their instances by key (in union with a filter), cancellation with a reason, and the Camunda 7
 * operation types (job retries, external task retries, restart). Tests that drive jobs deploy into
 * a tenant of their own and activate only its jobs, so they do not take each other's.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '3', CHUNK_SIZE: '4' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  expect((await api.deploy(['e2e-order.bpmn', 'e2e-payment.bpmn', 'e2e-invoice.bpmn'])).status).toBe(200);
});
afterAll(() => runtime?.stop());

async function start(
  processDefinitionId: string,
  variables: Record<string, unknown> = {},
  tenantId?: string,
) {
  const { status, body } = await api.post('/v2/process-instances', {
    processDefinitionId,
    variables,
    ...(tenantId ? { tenantId } : {}),
  });
  expect(status).toBe(200);
  return body.processInstanceKey as string;
}

type ActivatedJob = {
  jobKey: string;
  processInstanceKey: string;
  retries: number;
  variables: Record<string, unknown>;
};

/** Activates up to `max` jobs of a type in one tenant. */
async function activate(tenantId: string, type: string, max = 10): Promise<ActivatedJob[]> {
  const { status, body } = await api.post('/v2/jobs/activation', {
    type,
    maxJobsToActivate: max,
    timeout: 60_000,
    worker: 'classic-e2e',
    tenantIds: [tenantId],
  });
  expect(status).toBe(200);
  return body.jobs;
}

async function openIncidentsOf(processInstanceKey: string) {
  const { body } = await api.post('/v2/incidents/search', {
    filter: { processInstanceKey, state: 'ACTIVE' },
  });
  return body.items as { incidentKey: string; jobKey: string }[];
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
  const batch = await api.finalBatch(creation.body.batchOperationKey);
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
      expect((await api.get(`/v2/process-instances/${key}`)).body.state).toBe('TERMINATED');
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
        state: 'TERMINATED',
        cancellation: { batchOperationKey: batch.batchOperationKey, ...cancellation },
      });
    }
    const retried = await api.finalBatch(retry.body.batchOperationKey);
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
    expect(instance.state).toBe('TERMINATED');
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

describe('SET_JOB_RETRIES: POST /v2/extensions/process-instances/job-retries', () => {
  const tenant = 'job-retries';

  it('sets the retries of every open job of the named instances, leaving incidents to be resolved, and fails the rest by reason', async () => {
    // Prepare: a job failed to an incident (stuck), an instance with two open jobs (open), one
    // waiting at a user task (no jobs), a canceled one, and an unknown key.
    expect((await api.deploy(['e2e-fulfilment.bpmn', 'e2e-order.bpmn'], tenant)).status).toBe(200);
    const stuck = await start('e2e-fulfilment', {}, tenant);
    const [stuckPack] = await activate(tenant, 'e2e-pack', 1);
    expect(stuckPack.processInstanceKey).toBe(stuck);
    expect(
      (await api.post(`/v2/jobs/${stuckPack.jobKey}/failure`, { retries: 0, errorMessage: 'no boxes' }))
        .status,
    ).toBe(204);
    const open = await start('e2e-fulfilment', {}, tenant);
    const waiting = await start('e2e-order', {}, tenant);
    const [stock] = await activate(tenant, 'check-stock', 1);
    expect((await api.post(`/v2/jobs/${stock.jobKey}/completion`, {})).status).toBe(204);
    const canceled = await start('e2e-fulfilment', {}, tenant);
    expect((await api.post(`/v2/process-instances/${canceled}/cancellation`, {})).status).toBe(204);
    const unknown = keyFromSequence(9_000_002);

    // Act
    const { batch, items } = await runBatch('/v2/extensions/process-instances/job-retries', {
      processInstanceKeys: [stuck, open, waiting, canceled, unknown],
      retries: 4,
    });

    // Assess: the batch and its items
    expect(batch).toMatchObject({
      batchOperationType: 'SET_JOB_RETRIES',
      state: 'COMPLETED',
      operationsTotalCount: 5,
      operationsCompletedCount: 2,
      operationsFailedCount: 3,
      parameters: { retries: 4 },
    });
    expect(items.get(stuck)?.state).toBe('COMPLETED');
    expect(items.get(open)).toMatchObject({ state: 'COMPLETED', operationType: 'SET_JOB_RETRIES' });
    expect(items.get(waiting)?.errorMessage).toBe(
      `Expected to set the retries of the jobs of process instance with key '${waiting}', but it has no open jobs`,
    );
    expect(items.get(canceled)?.errorMessage).toContain('but it is CANCELED');
    expect(items.get(unknown)?.errorMessage).toContain('no such process instance was found');
    // Assess: both open jobs carry the retries
    const jobs = [...(await activate(tenant, 'e2e-pack')), ...(await activate(tenant, 'e2e-label'))];
    expect(jobs.filter((job) => job.processInstanceKey === open).map((job) => job.retries)).toEqual([4, 4]);
    // Assess: as with PATCH /v2/jobs, the incident stays open but can now be resolved, and the job runs again.
    const [incident] = await openIncidentsOf(stuck);
    expect(incident.jobKey).toBe(stuckPack.jobKey);
    expect((await api.post(`/v2/incidents/${incident.incidentKey}/resolution`)).status).toBe(204);
    const [again] = await activate(tenant, 'e2e-pack');
    expect(again).toMatchObject({ jobKey: stuckPack.jobKey, retries: 4 });
  });

  it('rejects a request without positive retries', async () => {
    // Act
    const responses = await Promise.all(
      [{}, { retries: 0 }, { retries: 1.5 }].map((extra) =>
        api.post('/v2/extensions/process-instances/job-retries', {
          processInstanceKeys: [keyFromSequence(1)],
          ...extra,
        }),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    for (const response of responses) expect(response.body.detail).toContain('retries');
  });
});

describe('SET_EXTERNAL_TASK_RETRIES: POST /v2/extensions/process-instances/external-task-retries', () => {
  const tenant = 'external-tasks';

  it("sets the retries of the topic's tasks and gets a task stuck in an incident going again; other topics are untouched", async () => {
    // Prepare: a fulfilment whose pack task failed for good, and an order with only a check-stock task.
    expect((await api.deploy(['e2e-fulfilment.bpmn', 'e2e-order.bpmn'], tenant)).status).toBe(200);
    const stuck = await start('e2e-fulfilment', {}, tenant);
    const [pack] = await activate(tenant, 'e2e-pack', 1);
    expect(
      (await api.post(`/v2/jobs/${pack.jobKey}/failure`, { retries: 0, errorMessage: 'no boxes' })).status,
    ).toBe(204);
    expect((await api.get(`/v2/process-instances/${stuck}`)).body.hasIncident).toBe(true);
    const otherTopic = await start('e2e-order', {}, tenant);

    // Act
    const { batch, items } = await runBatch('/v2/extensions/process-instances/external-task-retries', {
      processInstanceKeys: [stuck, otherTopic],
      retries: 3,
      topicName: 'e2e-pack',
    });

    // Assess: the batch and its items
    expect(batch).toMatchObject({
      batchOperationType: 'SET_EXTERNAL_TASK_RETRIES',
      state: 'COMPLETED',
      operationsCompletedCount: 1,
      operationsFailedCount: 1,
      parameters: { retries: 3, topicName: 'e2e-pack' },
    });
    expect(items.get(stuck)?.state).toBe('COMPLETED');
    expect(items.get(otherTopic)?.errorMessage).toBe(
      `Expected to set the retries of the external tasks of topic 'e2e-pack' of process instance with key '${otherTopic}', but it has no open external tasks`,
    );
    // Assess: the incident is resolved and the task can be taken again, with its new retries.
    expect(await openIncidentsOf(stuck)).toEqual([]);
    expect((await api.get(`/v2/process-instances/${stuck}`)).body.hasIncident).toBe(false);
    const [again] = await activate(tenant, 'e2e-pack');
    expect(again).toMatchObject({ jobKey: pack.jobKey, processInstanceKey: stuck, retries: 3 });
    // Assess: the label task (another topic) kept its retries.
    const [label] = await activate(tenant, 'e2e-label');
    expect(label).toMatchObject({ processInstanceKey: stuck, retries: 1 });
  });
});

describe('RESTART_PROCESS_INSTANCE: POST /v2/extensions/process-instances/restart', () => {
  const tenant = 'restart';

  it('starts a new instance of a finished one at the given element with its variables, and fails running ones and missing elements', async () => {
    // Prepare: a completed payment, a running one, and a canceled order (which has no charge-card).
    expect((await api.deploy(['e2e-payment.bpmn', 'e2e-order.bpmn'], tenant)).status).toBe(200);
    const completed = await start('e2e-payment', { amount: 42 }, tenant);
    const [charge] = await activate(tenant, 'e2e-charge-card', 1);
    expect(
      (await api.post(`/v2/jobs/${charge.jobKey}/completion`, { variables: { paid: true } })).status,
    ).toBe(204);
    expect((await api.get(`/v2/process-instances/${completed}`)).body.state).toBe('COMPLETED');
    const running = await start('e2e-payment', { amount: 7 }, tenant);
    const order = await start('e2e-order', {}, tenant);
    expect((await api.post(`/v2/process-instances/${order}/cancellation`, {})).status).toBe(204);

    // Act
    const { batch, items } = await runBatch('/v2/extensions/process-instances/restart', {
      processInstanceKeys: [completed, running, order],
      startInstructions: [{ elementId: 'charge-card' }],
      skipCustomListeners: true,
      skipIoMappings: false,
    });

    // Assess: the batch and its items
    expect(batch).toMatchObject({
      batchOperationType: 'RESTART_PROCESS_INSTANCE',
      state: 'COMPLETED',
      operationsCompletedCount: 1,
      operationsFailedCount: 2,
    });
    expect(items.get(completed)?.state).toBe('COMPLETED');
    expect(items.get(running)?.errorMessage).toBe(
      `Expected to restart process instance with key '${running}', but it is ACTIVE: only finished instances (COMPLETED, TERMINATED) can be restarted`,
    );
    expect(items.get(order)?.errorMessage).toContain(
      "at element 'charge-card', but process e2e-order version 1 has no such element",
    );
    // Assess: the old instance names the new one; the new one runs from charge-card with the old variables.
    const old = (await api.get(`/v2/process-instances/${completed}`)).body;
    expect(old.state).toBe('COMPLETED');
    expect(old.restartedAs).toEqual([
      { processInstanceKey: expect.any(String), batchOperationKey: batch.batchOperationKey },
    ]);
    const restartedKey = old.restartedAs[0].processInstanceKey;
    expect((await api.get(`/v2/process-instances/${restartedKey}`)).body).toMatchObject({
      state: 'ACTIVE',
      processDefinitionKey: old.processDefinitionKey,
      restartedFrom: {
        processInstanceKey: completed,
        batchOperationKey: batch.batchOperationKey,
        skipCustomListeners: true,
        skipIoMappings: false,
      },
    });
    const jobs = await activate(tenant, 'e2e-charge-card');
    const restartedJob = jobs.find((job) => job.processInstanceKey === restartedKey);
    expect(restartedJob?.variables).toEqual({ amount: 42, paid: true });
  });

  it('rejects a request without start instructions or with an unknown field in one', async () => {
    // Act
    const responses = await Promise.all(
      [{ startInstructions: [] }, {}, { startInstructions: [{ elementId: 'a', variables: {} }] }].map(
        (extra) =>
          api.post('/v2/extensions/process-instances/restart', {
            processInstanceKeys: [keyFromSequence(1)],
            ...extra,
          }),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    for (const response of responses) expect(response.body.detail).toContain('startInstructions');
  });
});
