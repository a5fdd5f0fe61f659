import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import type { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import type { Job } from '#domain/job/job.ts';
import { keyFromSequence, shardOf } from '#domain/keys.ts';
import { cancelProcessInstance } from '#domain/operations/cancel-process-instance.ts';
import { engineDepsOn, startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

let dynamo: TestDynamo;
let engine: DynamoEngineStore;
let instances: DynamoProcessInstanceStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  ({ engine, instances } = engineDepsOn(dynamo.db));
});
afterAll(() => dynamo.stop());

/** An activatable job of `type`, created at `createdAt` (epoch ms). */
function job(sequence: number, type: string, createdAt: number, overrides: Partial<Job> = {}): Job {
  return {
    jobKey: keyFromSequence(5_000_000 + sequence),
    type,
    state: 'ACTIVATABLE',
    retries: 3,
    processInstanceKey: keyFromSequence(sequence),
    processDefinitionKey: keyFromSequence(1),
    processDefinitionId: 'order-process',
    processDefinitionVersion: 1,
    elementId: 'review',
    elementInstanceKey: keyFromSequence(1_000_000 + sequence),
    tenantId: '<default>',
    creationTime: new Date(createdAt).toISOString(),
    hasFailedWithRetriesLeft: false,
    revision: 0,
    ...overrides,
  };
}

describe('the engine store', () => {
  it('creates an instance with its jobs in one write, and never over an existing instance', async () => {
    const instance = processInstance(1);
    const created = job(1, 'create', 1000);
    expect(await engine.commit({ createInstance: instance, createJobs: [created] })).toBe(true);
    expect(await instances.getInstance(instance.processInstanceKey)).toEqual(instance);
    expect(await engine.getJob(created.jobKey)).toEqual(created);
    expect(await engine.commit({ createInstance: instance, createJobs: [job(2, 'create', 1000)] })).toBe(
      false,
    );
    expect(await engine.getJob(job(2, 'create', 1000).jobKey)).toBeUndefined();
  });

  it('lets only one of two steps computed from the same job revision apply', async () => {
    const claimed = job(3, 'race', 1000);
    await engine.commit({ createJobs: [claimed] });
    const first = { ...claimed, state: 'ACTIVATED' as const, worker: 'a', deadline: 9e12, revision: 1 };
    const second = { ...claimed, state: 'ACTIVATED' as const, worker: 'b', deadline: 9e12, revision: 1 };
    const results = await Promise.all([
      engine.commit({ jobs: [{ before: claimed, after: first }] }),
      engine.commit({ jobs: [{ before: claimed, after: second }] }),
    ]);
    expect(results.sort()).toEqual([false, true]);
  });

  it('refuses an instance step when a batch canceled the instance meanwhile, and keeps what batches recorded', async () => {
    const instance = processInstance(4);
    await instances.putInstances([instance]);
    await instances.applyCommand(instance.processInstanceKey, cancelProcessInstance.command('now'), '77');
    const after = { ...instance, variables: { x: '1' } };
    expect(await engine.commit({ instance: { before: instance, after } })).toBe(false);

    const other = processInstance(5);
    await instances.putInstances([other]);
    await instances.applyCommand(
      other.processInstanceKey,
      { requiredStates: ['ACTIVE'], set: { state: 'ACTIVE' } },
      '78',
    );
    const recorded = (await instances.getInstance(other.processInstanceKey))!;
    expect(
      await engine.commit({ instance: { before: recorded, after: { ...recorded, hasIncident: true } } }),
    ).toBe(true);
    expect(await instances.getInstance(other.processInstanceKey)).toMatchObject({
      hasIncident: true,
      batchOperationIds: ['78'],
    });
  });

  it('rolls back the whole step when one of its writes is refused', async () => {
    const instance = processInstance(6);
    const stale = job(6, 'rollback', 1000);
    await engine.commit({ createInstance: instance, createJobs: [stale] });
    await engine.commit({ jobs: [{ before: stale, after: { ...stale, retries: 1, revision: 1 } }] });
    const step = await engine.commit({
      instance: { before: instance, after: { ...instance, state: 'COMPLETED', endDate: 'now' } },
      jobs: [{ before: stale, after: { ...stale, state: 'COMPLETED', revision: 1 } }],
    });
    expect(step).toBe(false);
    expect((await instances.getInstance(instance.processInstanceKey))?.state).toBe('ACTIVE');
  });

  it('finds the jobs a worker may take now, by when they became takeable: not those backing off, failed or held', async () => {
    const now = 1_000_000;
    const due = [job(10, 'find', now - 3000), job(11, 'find', now - 2000)];
    const expired = job(12, 'find', now - 5000, { state: 'ACTIVATED', deadline: now - 1 });
    const others = [
      job(13, 'find', now - 9000, { retryAt: now + 60_000 }),
      job(14, 'find', now - 9000, { state: 'FAILED', retries: 0 }),
      job(15, 'find', now - 9000, { state: 'ACTIVATED', deadline: now + 60_000 }),
      job(16, 'other-type', now - 9000),
    ];
    await engine.commit({ createJobs: [...due, expired, ...others] });
    const page = await engine.findActivatableJobs('find', now, { limit: 10 });
    expect(page.jobs.map((found) => found.jobKey)).toEqual([due[0].jobKey, due[1].jobKey, expired.jobKey]);
    expect(page.jobs[2]).toEqual(expired);
  });

  it('moves an instance into its new definition index when a step changes its definition (a migration)', async () => {
    // Prepare
    const instance = processInstance(20, { processDefinitionId: 'shipping-v1' });
    await instances.putInstances([instance]);
    const migrated = {
      ...instance,
      processDefinitionKey: keyFromSequence(2),
      processDefinitionId: 'shipping-v2',
      processDefinitionVersion: 2,
      processDefinitionName: 'Shipping v2',
      batchOperationIds: ['90'],
    };
    // Act
    const applied = await engine.commit({ instance: { before: instance, after: migrated } });
    const again = await engine.commit({ instance: { before: instance, after: migrated } });
    // Assess
    expect([applied, again]).toEqual([true, false]);
    expect(await instances.getInstance(instance.processInstanceKey)).toEqual(migrated);
    const shard = shardOf(instance.processInstanceKey, 4);
    const byDefinition = async (processDefinitionId: string) =>
      (
        await instances.queryShard(
          { access: { kind: 'processDefinitionId', processDefinitionId }, decidedByAccess: true },
          shard,
          { pageSize: 10 },
        )
      ).instances.map((found) => found.processInstanceKey);
    expect(await byDefinition('shipping-v2')).toEqual([instance.processInstanceKey]);
    expect(await byDefinition('shipping-v1')).toEqual([]);
  });

  it('adds a batch mark only once: a second step marking with the same batch is refused', async () => {
    const instance = processInstance(21);
    await instances.putInstances([instance]);
    const marked = { ...instance, hasIncident: true, batchOperationIds: ['91'] };
    expect(await engine.commit({ instance: { before: instance, after: marked } })).toBe(true);
    // A step computed from the marked instance but marking again (as a redelivery would) finds it marked.
    expect(
      await engine.commit({ instance: { before: { ...marked, batchOperationIds: [] }, after: marked } }),
    ).toBe(false);
    expect((await instances.getInstance(instance.processInstanceKey))?.batchOperationIds).toEqual(['91']);
  });
});
