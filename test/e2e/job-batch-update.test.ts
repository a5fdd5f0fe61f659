import * as camunda from '@camunda/camunda-api-zod-schemas/8.10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * Camunda 8.10's job batch (UPDATE_JOB, `POST /v2/jobs/batch-update`) and the job search that shows
 * what it will touch and what it did, through the embedded runtime's HTTP API.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '3', CHUNK_SIZE: '2' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

interface JobBody {
  jobKey: string;
  type: string;
  retries: number;
  state: string;
  processInstanceKey: string;
  deadline: string | null;
}

async function jobs(filter: Record<string, unknown>): Promise<JobBody[]> {
  const { status, body } = await api.post('/v2/jobs/search', { filter, sort: [{ field: 'jobKey' }] });
  expect(status).toBe(200);
  expect(camunda.queryJobsResponseBodySchema.safeParse(body).error).toBeUndefined();
  return body.items;
}

/**
 * Camunda's item schema for a job batch's items: the npm package's 8.10 enum predates UPDATE_JOB
 * (Camunda 8.10's API has it), so the operation type is checked on its own.
 */
const jobItemSchema = camunda.batchOperationItemSchema.extend({ operationType: z.literal('UPDATE_JOB') });

async function itemsOf(batchOperationKey: string) {
  const { body } = await api.post('/v2/batch-operation-items/search', {
    filter: { batchOperationKey },
    sort: [{ field: 'itemKey' }],
  });
  expect(z.array(jobItemSchema).safeParse(body.items).error).toBeUndefined();
  return body.items;
}

describe('job batch update and job search', () => {
  const fulfilments: string[] = [];
  let payment: string;

  beforeAll(async () => {
    expect((await api.deploy(['e2e-fulfilment.bpmn', 'e2e-payment.bpmn'])).status).toBe(200);
    for (let order = 0; order < 3; order++) {
      const created = await api.post('/v2/process-instances', { processDefinitionId: 'e2e-fulfilment' });
      fulfilments.push(created.body.processInstanceKey);
    }
    payment = (await api.post('/v2/process-instances', { processDefinitionId: 'e2e-payment' })).body
      .processInstanceKey;
  });

  it('searches jobs with a JobFilter: each job once, in Camunda 8.10 shape', async () => {
    const packs = await jobs({ type: 'e2e-pack' });
    expect(packs.map((job) => job.processInstanceKey).sort()).toEqual([...fulfilments].sort());
    expect(packs.map((job) => [job.state, job.retries, job.deadline])).toEqual([
      ['CREATED', 1, null],
      ['CREATED', 1, null],
      ['CREATED', 1, null],
    ]);
    expect((await jobs({ processInstanceKey: payment })).map((job) => job.type)).toEqual(['e2e-charge-card']);
    const page = await api.post('/v2/jobs/search', { filter: { retries: { $gte: 1 } }, page: { limit: 2 } });
    expect(page.body.page).toMatchObject({ totalItems: 7, hasMoreTotalItems: false });
    expect(page.body.items).toHaveLength(2);
  });

  it('counts what a batch would touch with a dry run, creating nothing', async () => {
    const dryRun = await api.post('/v2/extensions/jobs/batch-update/dry-run', {
      filter: { type: 'e2e-pack' },
      changeset: { retries: 5 },
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ batchOperationType: 'UPDATE_JOB', total: 3 });
    const packs = (await jobs({ type: 'e2e-pack' })).map((job) => job.jobKey);
    expect(dryRun.body.sampleJobKeys).toEqual(packs);
    const elsewhere = await api.post('/v2/extensions/process-instances/batch-update/dry-run', {
      filter: { type: 'e2e-pack' },
      changeset: { retries: 5 },
    });
    expect(elsewhere.status).toBe(404);
  });

  it('changes exactly the matching jobs, each once, and its items read as Camunda items of jobs', async () => {
    const before = await jobs({ retries: { $gte: 1 } });
    const created = await api.post('/v2/jobs/batch-update', {
      filter: { type: 'e2e-pack' },
      changeset: { retries: 5 },
    });
    expect(created.status).toBe(200);
    expect(created.body.batchOperationType).toBe('UPDATE_JOB');
    expect(await api.finalBatch(created.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      batchOperationType: 'UPDATE_JOB',
      operationsTotalCount: 3,
      operationsCompletedCount: 3,
      operationsFailedCount: 0,
    });

    const after = await jobs({ retries: { $gte: 1 } });
    const expected = before.map((job) => (job.type === 'e2e-pack' ? { ...job, retries: 5 } : job));
    expect(after).toEqual(expected);
    const packs = after.filter((job) => job.type === 'e2e-pack');
    expect(await itemsOf(created.body.batchOperationKey)).toEqual(
      packs.map((job) =>
        expect.objectContaining({
          itemKey: job.jobKey,
          processInstanceKey: job.processInstanceKey,
          state: 'COMPLETED',
          operationType: 'UPDATE_JOB',
          errorMessage: null,
        }),
      ),
    );
  });

  it("fails the items of jobs the engine refuses, with the engine's reason", async () => {
    const [label] = await jobs({ type: 'e2e-label', processInstanceKey: fulfilments[0] });
    expect((await api.post(`/v2/jobs/${label.jobKey}/completion`, {})).status).toBe(204);
    const activated = await api.post('/v2/jobs/activation', {
      type: 'e2e-label',
      maxJobsToActivate: 1,
      timeout: 1000,
      worker: 'job-batch-test',
    });
    const held: string = activated.body.jobs[0].jobKey;

    const created = await api.post('/v2/jobs/batch-update', {
      filter: { type: 'e2e-label' },
      changeset: { timeout: 600_000 },
    });
    expect(await api.finalBatch(created.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 3,
      operationsCompletedCount: 1,
      operationsFailedCount: 2,
    });
    const items = await itemsOf(created.body.batchOperationKey);
    const labels = await jobs({ type: 'e2e-label' });
    const idle = labels.find((job) => job.jobKey !== held && job.jobKey !== label.jobKey);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ itemKey: held, state: 'COMPLETED' }),
        expect.objectContaining({
          itemKey: label.jobKey,
          state: 'FAILED',
          errorMessage: `Expected to update job with key '${label.jobKey}', but it is in state 'COMPLETED'`,
        }),
        expect.objectContaining({
          itemKey: idle?.jobKey,
          state: 'FAILED',
          errorMessage: `Expected to update the timeout of job with key '${idle?.jobKey}', but it is in state 'ACTIVATABLE', not ACTIVATED`,
        }),
      ]),
    );
    const heldNow = labels.find((job) => job.jobKey === held);
    expect(Date.parse(heldNow?.deadline ?? '') - Date.now()).toBeGreaterThan(500_000);
  });

  it.each([
    [{ filter: {}, changeset: { retries: 1 } }, 'filter must not be empty'],
    [{ changeset: { retries: 1 } }, 'filter'],
    [{ filter: { type: 'e2e-pack' } }, 'changeset'],
    [{ filter: { type: 'e2e-pack' }, changeset: {} }, 'set retries, timeout or both'],
    [{ filter: { type: 'e2e-pack' }, changeset: { retries: 0 } }, 'positive amount of retries'],
    [{ filter: { type: 'e2e-pack' }, changeset: { priority: 3 } }, 'priority'],
    [{ filter: { typo: 'e2e-pack' }, changeset: { retries: 1 } }, 'filter.typo is not a JobFilter field'],
    [{ filter: { state: 'ACTIVE' }, changeset: { retries: 1 } }, 'filter.state must be one of'],
  ])('refuses a bad body with 400 naming the problem: %j', async (body, detail) => {
    const response = await api.post('/v2/jobs/batch-update', body);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.detail).toContain(detail);
  });

  it('refuses an unknown filter field in a job search with 400', async () => {
    const response = await api.post('/v2/jobs/search', { filter: { jobType: 'e2e-pack' } });
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('filter.jobType is not a JobFilter field');
  });
});
