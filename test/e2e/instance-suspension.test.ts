import * as camunda from '@camunda/camunda-api-zod-schemas/8.10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * Camunda 8.10's instance suspension through the embedded runtime's HTTP API: SUSPEND_PROCESS_INSTANCE
 * and RESUME_PROCESS_INSTANCE batches and their single-instance commands, and the engine rule that a
 * suspended instance's jobs cannot be activated.
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

/** Jobs activated last, by instance key. */
const activatedJobs = new Map<string, string>();

/** The instances whose jobs `POST /v2/jobs/activation` hands out now (each activated for a minute). */
async function activatedInstances(): Promise<string[]> {
  const { body } = await api.post('/v2/jobs/activation', {
    type: 'e2e-charge-card',
    maxJobsToActivate: 50,
    timeout: 60_000,
    worker: 'suspension-test',
  });
  for (const job of body.jobs) activatedJobs.set(job.processInstanceKey, job.jobKey);
  return body.jobs.map((job: { processInstanceKey: string }) => job.processInstanceKey).sort();
}

describe('process-instance suspension and resumption', () => {
  const keys: string[] = [];

  beforeAll(async () => {
    expect((await api.deploy(['e2e-payment.bpmn'])).status).toBe(200);
    for (let order = 0; order < 4; order++) {
      const created = await api.post('/v2/process-instances', {
        processDefinitionId: 'e2e-payment',
        variables: { order },
      });
      keys.push(created.body.processInstanceKey);
    }
  });

  it('suspends the matching instances: they read SUSPENDED and none of their jobs is activated', async () => {
    const created = await api.post('/v2/process-instances/suspension', {
      filter: { processInstanceKey: { $in: [keys[0], keys[1]] } },
    });
    expect(created.status).toBe(200);
    expect(created.body.batchOperationType).toBe('SUSPEND_PROCESS_INSTANCE');
    const batch = await api.finalBatch(created.body.batchOperationKey);
    expect(batch).toMatchObject({ state: 'COMPLETED', operationsCompletedCount: 2 });
    const suspended = await api.get(`/v2/process-instances/${keys[0]}`);
    expect(suspended.body).toMatchObject({ state: 'SUSPENDED', suspendedDate: expect.any(String) });
    expect(camunda.processInstanceSchema.safeParse(suspended.body).success).toBe(true);
    const found = await api.post('/v2/process-instances/search', { filter: { state: 'SUSPENDED' } });
    expect(found.body.items.map((i: { processInstanceKey: string }) => i.processInstanceKey).sort()).toEqual(
      [keys[0], keys[1]].sort(),
    );

    expect(await activatedInstances()).toEqual([keys[2], keys[3]].sort());
  });

  it('fails the items the engine refuses, naming the rule: resuming an ACTIVE instance, suspending a finished one', async () => {
    expect((await api.post(`/v2/process-instances/${keys[3]}/cancellation`)).status).toBe(204);
    const resume = await api.post('/v2/process-instances/resumption', {
      filter: { processInstanceKey: keys[2] },
    });
    const resumed = await api.finalBatch(resume.body.batchOperationKey);
    expect(resumed).toMatchObject({ operationsFailedCount: 1 });
    const suspend = await api.post('/v2/process-instances/suspension', {
      filter: { processInstanceKey: keys[3] },
    });
    await api.finalBatch(suspend.body.batchOperationKey);
    const items = async (batchOperationKey: string) =>
      (await api.post('/v2/batch-operation-items/search', { filter: { batchOperationKey } })).body.items;
    expect(await items(resume.body.batchOperationKey)).toEqual([
      expect.objectContaining({
        state: 'FAILED',
        errorMessage: `Expected to resume process instance with key '${keys[2]}', but it is ACTIVE: only SUSPENDED instances can be resumed`,
      }),
    ]);
    expect(await items(suspend.body.batchOperationKey)).toEqual([
      expect.objectContaining({
        state: 'FAILED',
        errorMessage: `Expected to suspend process instance with key '${keys[3]}', but it is TERMINATED: only ACTIVE instances can be suspended`,
      }),
    ]);
  });

  it('resumes the suspended instances: ACTIVE again, and their jobs are activatable', async () => {
    const created = await api.post('/v2/process-instances/resumption', {
      filter: { state: 'SUSPENDED' },
    });
    expect(created.body.batchOperationType).toBe('RESUME_PROCESS_INSTANCE');
    expect(await api.finalBatch(created.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsCompletedCount: 2,
    });
    expect((await api.get(`/v2/process-instances/${keys[1]}`)).body).toMatchObject({
      state: 'ACTIVE',
      suspendedDate: null,
    });
    expect(await activatedInstances()).toEqual([keys[0], keys[1]].sort());
  });

  it('suspends and resumes one instance with 204, 409 naming the rule, 404 for an unknown one', async () => {
    expect((await api.post(`/v2/process-instances/${keys[0]}/suspension`)).status).toBe(204);
    const again = await api.post(`/v2/process-instances/${keys[0]}/suspension`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('but it is SUSPENDED: only ACTIVE instances can be suspended');
    // A job activated before the suspension can be neither completed nor failed while it lasts.
    const jobKey = activatedJobs.get(keys[0]);
    const completion = await api.post(`/v2/jobs/${jobKey}/completion`, { variables: {} });
    expect(completion.status).toBe(409);
    expect(completion.body.detail).toContain(`its process instance '${keys[0]}' is SUSPENDED`);
    expect((await api.post(`/v2/process-instances/${keys[0]}/resumption`)).status).toBe(204);
    expect((await api.post(`/v2/process-instances/${keys[0]}/resumption`)).status).toBe(409);
    expect((await api.post('/v2/process-instances/2251799813699999/suspension')).status).toBe(404);
    expect((await api.post('/v2/process-instances/abc/resumption')).status).toBe(400);
  });

  it('cancels a suspended instance, as Camunda 8.10 executes a cancellation during a suspension', async () => {
    const created = await api.post('/v2/process-instances', { processDefinitionId: 'e2e-payment' });
    const key: string = created.body.processInstanceKey;
    expect((await api.post(`/v2/process-instances/${key}/suspension`)).status).toBe(204);

    expect((await api.post(`/v2/process-instances/${key}/cancellation`)).status).toBe(204);

    const canceled = await api.get(`/v2/process-instances/${key}`);
    expect(canceled.body).toMatchObject({ state: 'TERMINATED', suspendedDate: null });
    expect(camunda.processInstanceSchema.safeParse(canceled.body).success).toBe(true);
    expect(await activatedInstances()).not.toContain(key);
  });

  it('refuses bad creation bodies with 400', async () => {
    for (const path of ['/v2/process-instances/suspension', '/v2/process-instances/resumption']) {
      expect((await api.post(path, { filter: {} })).status).toBe(400);
      expect(
        (await api.post(path, { filter: { processDefinitionId: 'e2e-payment' }, cascade: true })).status,
      ).toBe(400);
    }
  });
});
