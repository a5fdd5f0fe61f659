import {
  createDeletionBatchOperationResponseBodySchema,
  createIncidentResolutionBatchOperationResponseBodySchema,
  createMigrationBatchOperationResponseBodySchema,
  createModificationBatchOperationResponseBodySchema,
  problemDetailResponseSchema,
} from '@camunda/camunda-api-zod-schemas/8.10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The Camunda 8 batch operations beyond cancel, end to end over HTTP on the embedded runtime: each
 * runs through creation, initialization, execution and completion, changes what the engine shows
 * (incidents, jobs, tokens, definitions), and fails the items whose instance breaks its engine rule.
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

/** The batch's items by instance key: state and error message. */
async function itemsOf(batchOperationKey: string) {
  const { body } = await api.post('/v2/batch-operation-items/search', {
    filter: { batchOperationKey },
    page: { limit: 100 },
  });
  return Object.fromEntries(
    body.items.map((item: { itemKey: string; state: string; errorMessage?: string }) => [
      item.itemKey,
      { state: item.state, ...(item.errorMessage ? { errorMessage: item.errorMessage } : {}) },
    ]),
  );
}

async function startInstances(processDefinitionId: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const started = await api.post('/v2/process-instances', { processDefinitionId, variables: { index } });
    expect(started.status).toBe(200);
    keys.push(started.body.processInstanceKey);
  }
  return keys;
}

async function activate(type: string) {
  const response = await api.post('/v2/jobs/activation', {
    type,
    maxJobsToActivate: 50,
    timeout: 60_000,
    worker: 'e2e-worker',
  });
  expect(response.status).toBe(200);
  return response.body.jobs as {
    jobKey: string;
    processInstanceKey: string;
    retries: number;
    elementId: string;
  }[];
}

describe('resolving incidents as a batch (RESOLVE_INCIDENT)', () => {
  it('resolves every open incident, gives jobs without retries one back, and fails instances without incident', async () => {
    // Prepare: three payments; two jobs fail for good (incidents), the third job is still held.
    expect((await api.deploy(['e2e-payment.bpmn'])).status).toBe(200);
    const keys = await startInstances('e2e-payment', 3);
    const jobs = await activate('e2e-charge-card');
    const jobOf = (key: string) => jobs.find((job) => job.processInstanceKey === key);
    for (const key of keys.slice(0, 2)) {
      const job = jobOf(key);
      expect(
        (await api.post(`/v2/jobs/${job?.jobKey}/failure`, { retries: 0, errorMessage: 'declined' })).status,
      ).toBe(204);
    }

    // Act
    const creation = await api.post('/v2/process-instances/incident-resolution', {
      filter: { processDefinitionId: 'e2e-payment' },
    });

    // Assess: the response is Camunda's, the batch ends COMPLETED with one failed item.
    expect(creation.status).toBe(200);
    const created = createIncidentResolutionBatchOperationResponseBodySchema.parse(creation.body);
    expect(created.batchOperationType).toBe('RESOLVE_INCIDENT');
    const batch = await api.finalBatch(created.batchOperationKey);
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 3,
      operationsCompletedCount: 2,
      operationsFailedCount: 1,
    });
    expect(await itemsOf(created.batchOperationKey)).toEqual({
      [keys[0]]: { state: 'COMPLETED' },
      [keys[1]]: { state: 'COMPLETED' },
      [keys[2]]: {
        state: 'FAILED',
        errorMessage: `Expected to resolve the incidents of process instance with key '${keys[2]}', but it has no open incident`,
      },
    });
    // Assess: no incident left open, the instances no longer show one, the jobs run again with 1 retry.
    const open = await api.post('/v2/incidents/search', {
      filter: { processDefinitionId: 'e2e-payment', state: 'ACTIVE' },
    });
    expect(open.body.items).toEqual([]);
    const resolved = await api.post('/v2/incidents/search', {
      filter: { processDefinitionId: 'e2e-payment', state: 'RESOLVED' },
    });
    expect(resolved.body.items).toHaveLength(2);
    for (const key of keys.slice(0, 2)) {
      expect((await api.get(`/v2/process-instances/${key}`)).body).toMatchObject({
        state: 'ACTIVE',
        hasIncident: false,
      });
    }
    const again = await activate('e2e-charge-card');
    expect(again.map((job) => [job.processInstanceKey, job.retries]).sort()).toEqual(
      keys
        .slice(0, 2)
        .map((key) => [key, 1])
        .sort(),
    );
  });

  it('rejects an empty filter with a Camunda problem detail', async () => {
    const { status, body } = await api.post('/v2/process-instances/incident-resolution', { filter: {} });
    expect(status).toBe(400);
    expect(problemDetailResponseSchema.parse(body)).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
  });
});

describe('deleting finished instances as a batch (DELETE_PROCESS_INSTANCE)', () => {
  it('deletes finished instances with their history, fails running ones, and never finds the deleted again', async () => {
    // Prepare: one canceled after an incident, one completed, one canceled, one still running.
    expect((await api.deploy(['e2e-archive.bpmn'])).status).toBe(200);
    const keys = await startInstances('e2e-archive', 4);
    const jobs = await activate('e2e-archive');
    const jobOf = (key: string) => jobs.find((job) => job.processInstanceKey === key)?.jobKey;
    expect((await api.post(`/v2/jobs/${jobOf(keys[0])}/failure`, { retries: 0 })).status).toBe(204);
    expect((await api.post(`/v2/process-instances/${keys[0]}/cancellation`)).status).toBe(204);
    expect((await api.post(`/v2/jobs/${jobOf(keys[1])}/completion`)).status).toBe(204);
    expect((await api.post(`/v2/process-instances/${keys[2]}/cancellation`)).status).toBe(204);

    // Act
    const creation = await api.post('/v2/process-instances/deletion', {
      filter: { processDefinitionId: 'e2e-archive' },
    });

    // Assess: the batch and its items
    expect(creation.status).toBe(200);
    const created = createDeletionBatchOperationResponseBodySchema.parse(creation.body);
    expect(created.batchOperationType).toBe('DELETE_PROCESS_INSTANCE');
    expect(await api.finalBatch(created.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 4,
      operationsCompletedCount: 3,
      operationsFailedCount: 1,
    });
    expect(await itemsOf(created.batchOperationKey)).toEqual({
      [keys[0]]: { state: 'COMPLETED' },
      [keys[1]]: { state: 'COMPLETED' },
      [keys[2]]: { state: 'COMPLETED' },
      [keys[3]]: {
        state: 'FAILED',
        errorMessage: `Expected to delete process instance with key '${keys[3]}', but it is ACTIVE: only finished instances (COMPLETED, TERMINATED) can be deleted; cancel it first`,
      },
    });
    // Assess: the deleted instances and their incidents are gone from every read and search.
    for (const key of keys.slice(0, 3))
      expect((await api.get(`/v2/process-instances/${key}`)).status).toBe(404);
    expect((await api.get(`/v2/process-instances/${keys[3]}`)).body.state).toBe('ACTIVE');
    const remaining = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-archive' },
    });
    expect(
      remaining.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey),
    ).toEqual([keys[3]]);
    const incidents = await api.post('/v2/incidents/search', { filter: { processInstanceKey: keys[0] } });
    expect(incidents.body.items).toEqual([]);
    // A second deletion no longer finds them: only the running instance is an item.
    const second = await api.post('/v2/process-instances/deletion', {
      filter: { processDefinitionId: 'e2e-archive' },
    });
    expect(await api.finalBatch(second.body.batchOperationKey)).toMatchObject({
      operationsTotalCount: 1,
      operationsFailedCount: 1,
    });
  });
});

describe('moving tokens as a batch (MODIFY_PROCESS_INSTANCE)', () => {
  it('moves tokens from the source to the target, ending what ran there, and fails instances without a token at the source', async () => {
    // Prepare: three orders at `check-stock`; the first moves on to `ship`, the second's job fails for good.
    expect((await api.deploy(['e2e-order.bpmn'])).status).toBe(200);
    const keys = await startInstances('e2e-order', 3);
    const jobs = await activate('check-stock');
    const jobOf = (key: string) => jobs.find((job) => job.processInstanceKey === key)?.jobKey;
    expect((await api.post(`/v2/jobs/${jobOf(keys[0])}/completion`)).status).toBe(204);
    expect((await api.post(`/v2/jobs/${jobOf(keys[1])}/failure`, { retries: 0 })).status).toBe(204);
    const filter = { processDefinitionId: 'e2e-order' };

    // Act
    const creation = await api.post('/v2/process-instances/modification', {
      filter,
      moveInstructions: [{ sourceElementId: 'check-stock', targetElementId: 'ship' }],
    });

    // Assess: the batch and its items
    expect(creation.status).toBe(200);
    const created = createModificationBatchOperationResponseBodySchema.parse(creation.body);
    expect(created.batchOperationType).toBe('MODIFY_PROCESS_INSTANCE');
    expect(await api.finalBatch(created.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 3,
      operationsCompletedCount: 2,
      operationsFailedCount: 1,
    });
    expect(await itemsOf(created.batchOperationKey)).toEqual({
      [keys[0]]: {
        state: 'FAILED',
        errorMessage: `Expected to modify process instance with key '${keys[0]}', but it has no active element instance at any source element ('check-stock') to move a token from`,
      },
      [keys[1]]: { state: 'COMPLETED' },
      [keys[2]]: { state: 'COMPLETED' },
    });
    // A retry of the failed item runs the same instructions: the instance still has no token there.
    const retry = await api.post(
      `/v2/extensions/batch-operations/${created.batchOperationKey}/failed-items-retry`,
      {},
    );
    expect(retry.body.batchOperationType).toBe('MODIFY_PROCESS_INSTANCE');
    expect(await api.finalBatch(retry.body.batchOperationKey)).toMatchObject({
      operationsTotalCount: 1,
      operationsFailedCount: 1,
    });
    expect((await itemsOf(retry.body.batchOperationKey))[keys[0]].errorMessage).toContain("('check-stock')");
    // Assess: the incident at the source is resolved with it, its jobs are gone from the workers.
    expect((await api.get(`/v2/process-instances/${keys[1]}`)).body).toMatchObject({
      state: 'ACTIVE',
      hasIncident: false,
    });
    expect(await activate('check-stock')).toEqual([]);
    expect((await api.post(`/v2/jobs/${jobOf(keys[2])}/completion`)).status).toBe(409);

    // Act: move every token back; the target's job is created for each.
    const back = await api.post('/v2/process-instances/modification', {
      filter,
      moveInstructions: [{ sourceElementId: 'ship', targetElementId: 'check-stock' }],
    });
    expect(await api.finalBatch(back.body.batchOperationKey)).toMatchObject({
      operationsTotalCount: 3,
      operationsCompletedCount: 3,
    });
    expect((await activate('check-stock')).map((job) => job.processInstanceKey).sort()).toEqual(
      [...keys].sort(),
    );
  });

  it('rejects a target the filtered definition lacks with a problem detail naming it', async () => {
    const { status, body } = await api.post('/v2/process-instances/modification', {
      filter: { processDefinitionId: 'e2e-order' },
      moveInstructions: [{ sourceElementId: 'ship', targetElementId: 'no-such-task' }],
    });
    expect(status).toBe(400);
    const problem = problemDetailResponseSchema.parse(body);
    expect(problem.detail).toContain(
      "moveInstructions[0].targetElementId: target element 'no-such-task' does not exist",
    );
  });
});

describe('migrating instances as a batch (MIGRATE_PROCESS_INSTANCE)', () => {
  it('migrates instances whose active elements are mapped, with their jobs, and fails those with an unmapped one', async () => {
    // Prepare: three shipments on version 1; the third has moved on to `inspect`, which the plan does not map.
    const v1 = await api.deploy(['e2e-shipping-v1.bpmn']);
    const keys = await startInstances('e2e-shipping', 3);
    const v2 = await api.deploy(['e2e-shipping-v2.bpmn']);
    const v1Key = v1.body.deployments[0].processDefinition.processDefinitionKey;
    const v2Key = v2.body.deployments[0].processDefinition.processDefinitionKey;
    expect(v2.body.deployments[0].processDefinition.processDefinitionVersion).toBe(2);
    const jobs = await activate('e2e-pack');
    const third = jobs.find((job) => job.processInstanceKey === keys[2]);
    expect((await api.post(`/v2/jobs/${third?.jobKey}/completion`)).status).toBe(204);

    // Act
    const creation = await api.post('/v2/process-instances/migration', {
      filter: { processDefinitionKey: v1Key },
      migrationPlan: {
        targetProcessDefinitionKey: v2Key,
        mappingInstructions: [{ sourceElementId: 'pack', targetElementId: 'pack-parcel' }],
      },
    });

    // Assess: the batch and its items
    expect(creation.status).toBe(200);
    const created = createMigrationBatchOperationResponseBodySchema.parse(creation.body);
    expect(created.batchOperationType).toBe('MIGRATE_PROCESS_INSTANCE');
    expect(await api.finalBatch(created.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 3,
      operationsCompletedCount: 2,
      operationsFailedCount: 1,
    });
    expect(await itemsOf(created.batchOperationKey)).toEqual({
      [keys[0]]: { state: 'COMPLETED' },
      [keys[1]]: { state: 'COMPLETED' },
      [keys[2]]: {
        state: 'FAILED',
        errorMessage: `Expected to migrate process instance with key '${keys[2]}' to process definition with key '${v2Key}', but no mapping instruction is defined for active element 'inspect'; elements cannot be migrated without a mapping`,
      },
    });
    // Assess: migrated instances belong to version 2; their held jobs are version 2's, for its workers.
    for (const key of keys.slice(0, 2)) {
      expect((await api.get(`/v2/process-instances/${key}`)).body).toMatchObject({
        processDefinitionKey: v2Key,
        processDefinitionVersion: 2,
        processDefinitionName: 'Shipping v2',
      });
    }
    expect((await api.get(`/v2/process-instances/${keys[2]}`)).body.processDefinitionKey).toBe(v1Key);
    const search = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionVersion: 2 },
    });
    expect(search.body.page.totalItems).toBe(2);
    // A job held across the migration keeps its key; completing it follows version 2's flow straight
    // to its end (version 1 would wait at `inspect`).
    for (const job of jobs.filter((job) => job.processInstanceKey !== keys[2])) {
      expect((await api.post(`/v2/jobs/${job.jobKey}/completion`)).status).toBe(204);
    }
    expect((await api.get(`/v2/process-instances/${keys[0]}`)).body.state).toBe('COMPLETED');
  });

  it('rejects a plan with a missing target or a source mapped twice, naming the problem', async () => {
    const definitions = await api.post('/v2/process-definitions/search', {
      filter: { processDefinitionId: 'e2e-shipping' },
    });
    const v2Key = definitions.body.items.find(
      (item: { version: number }) => item.version === 2,
    ).processDefinitionKey;
    const missing = await api.post('/v2/process-instances/migration', {
      filter: { processDefinitionId: 'e2e-shipping' },
      migrationPlan: { targetProcessDefinitionKey: '2251799813999999', mappingInstructions: [] },
    });
    expect(missing.status).toBe(400);
    expect(problemDetailResponseSchema.parse(missing.body).detail).toContain(
      "migrationPlan.targetProcessDefinitionKey: no process definition with key '2251799813999999' exists",
    );
    const twice = await api.post('/v2/process-instances/migration', {
      filter: { processDefinitionId: 'e2e-shipping' },
      migrationPlan: {
        targetProcessDefinitionKey: v2Key,
        mappingInstructions: [
          { sourceElementId: 'pack', targetElementId: 'pack-parcel' },
          { sourceElementId: 'pack', targetElementId: 'shipped' },
        ],
      },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.detail).toContain("source element 'pack' is mapped more than once");
  });
});
