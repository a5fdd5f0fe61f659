import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, DEMO_CREDENTIALS } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The engine end to end over HTTP on the embedded runtime, as a Camunda 8 job worker and an operator
 * use it: deploy a process with a service task, start instances, activate and complete jobs, fail one
 * to no retries, see the incident, update retries, resolve it, and finish every instance.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, config: { SHARD_COUNT: '2' } });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

async function patch(path: string, body: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method: 'PATCH',
    headers: { authorization: DEMO_CREDENTIALS, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const activate = async (maxJobsToActivate: number) => {
  const response = await api.post('/v2/jobs/activation', {
    type: 'e2e-charge-card',
    maxJobsToActivate,
    timeout: 60_000,
    worker: 'e2e-worker',
  });
  expect(response.status).toBe(200);
  return response.body.jobs as { jobKey: string; processInstanceKey: string; variables: { order: number } }[];
};

describe('a job worker and an operator on the embedded runtime', () => {
  it('drives instances through jobs, an incident and its resolution to COMPLETED', async () => {
    const deployment = await api.deploy(['e2e-payment.bpmn']);
    expect(deployment.status).toBe(200);
    const { processDefinitionKey } = deployment.body.deployments[0].processDefinition;
    expect((await api.get(`/v2/process-definitions/${processDefinitionKey}`)).body).toMatchObject({
      processDefinitionId: 'e2e-payment',
      version: 1,
    });

    const keys: string[] = [];
    for (let order = 0; order < 3; order++) {
      const started = await api.post('/v2/process-instances', {
        processDefinitionId: 'e2e-payment',
        variables: { order },
      });
      expect(started.status).toBe(200);
      keys.push(started.body.processInstanceKey);
    }

    // A worker takes all three jobs; the first completes at once.
    const jobs = await activate(10);
    expect(jobs.map((job) => job.processInstanceKey)).toEqual(keys);
    expect(jobs.map((job) => job.variables.order)).toEqual([0, 1, 2]);
    expect(
      (await api.post(`/v2/jobs/${jobs[0].jobKey}/completion`, { variables: { paid: true } })).status,
    ).toBe(204);
    expect((await api.get(`/v2/process-instances/${keys[0]}`)).body).toMatchObject({ state: 'COMPLETED' });

    // The second fails for good: an incident, visible by search and on the instance.
    expect(
      (await api.post(`/v2/jobs/${jobs[1].jobKey}/failure`, { retries: 0, errorMessage: 'card declined' }))
        .status,
    ).toBe(204);
    const incidents = await api.post('/v2/incidents/search', {
      filter: { processInstanceKey: keys[1], state: 'ACTIVE', errorType: 'JOB_NO_RETRIES' },
    });
    expect(incidents.body.items).toEqual([
      expect.objectContaining({
        jobKey: jobs[1].jobKey,
        errorMessage: 'card declined',
        elementId: 'charge-card',
      }),
    ]);
    const { incidentKey } = incidents.body.items[0];
    expect((await api.get(`/v2/process-instances/${keys[1]}`)).body).toMatchObject({
      state: 'ACTIVE',
      hasIncident: true,
    });
    const withIncident = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-payment', hasIncident: true },
    });
    expect(
      withIncident.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey),
    ).toEqual([keys[1]]);

    // The third fails with a retry left and comes back to the worker later.
    expect((await api.post(`/v2/jobs/${jobs[2].jobKey}/failure`, { retries: 1 })).status).toBe(204);

    // Resolution needs retries first, as in Camunda.
    expect((await api.post(`/v2/incidents/${incidentKey}/resolution`)).status).toBe(409);
    expect((await patch(`/v2/jobs/${jobs[1].jobKey}`, { changeset: { retries: 1 } })).status).toBe(204);
    expect((await api.post(`/v2/incidents/${incidentKey}/resolution`)).status).toBe(204);
    expect((await api.get(`/v2/process-instances/${keys[1]}`)).body.hasIncident).toBe(false);
    const resolved = await api.post('/v2/incidents/search', { filter: { incidentKey } });
    expect(resolved.body.items[0].state).toBe('RESOLVED');

    // Both jobs are activatable again; completing them completes their instances.
    const again = await activate(10);
    expect(again.map((job) => job.jobKey).sort()).toEqual([jobs[1].jobKey, jobs[2].jobKey].sort());
    for (const job of again) {
      expect((await api.post(`/v2/jobs/${job.jobKey}/completion`)).status).toBe(204);
    }
    expect((await api.post(`/v2/jobs/${jobs[1].jobKey}/completion`)).status).toBe(409);
    const finished = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-payment', state: 'COMPLETED' },
    });
    expect(finished.body.page.totalItems).toBe(3);
    expect(await activate(10)).toEqual([]);
  });
});
