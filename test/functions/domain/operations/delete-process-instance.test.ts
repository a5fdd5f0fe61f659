import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import type { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { planQuery } from '#domain/filter/plan-query.ts';
import type { Incident } from '#domain/incident/incident.ts';
import type { Job } from '#domain/job/job.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { applyOperation } from '#domain/operations/apply-operation.ts';
import {
  decideDeletion,
  deleteProcessInstance,
  TOMBSTONE_RETENTION_SECONDS,
} from '#domain/operations/delete-process-instance.ts';
import { engineDepsOn, startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

/**
 * Deleting finished instances (DELETE_PROCESS_INSTANCE) against DynamoDB Local: the instance and its
 * history go, a tombstone that no read shows keeps a redelivered deletion exactly-once.
 */
const SHARDS = 4;
const NOW = '2026-01-02T00:00:00.000Z';
let dynamo: TestDynamo;
let deps: ReturnType<typeof engineDepsOn>;
let engine: DynamoEngineStore;
let instances: DynamoProcessInstanceStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  deps = engineDepsOn(dynamo.db, { shards: SHARDS, now: new Date(NOW) });
  ({ engine, instances } = deps);
});
afterAll(() => dynamo.stop());

function jobOf(sequence: number, index: number): Job {
  return {
    jobKey: keyFromSequence(5_000_000 + sequence * 1000 + index),
    type: 'archive',
    state: 'COMPLETED',
    retries: 3,
    processInstanceKey: keyFromSequence(sequence),
    processDefinitionKey: keyFromSequence(1),
    processDefinitionId: 'order-process',
    processDefinitionVersion: 1,
    elementId: 'review',
    elementInstanceKey: keyFromSequence(1_000_000 + sequence),
    tenantId: '<default>',
    creationTime: NOW,
    hasFailedWithRetriesLeft: false,
    revision: 1,
  };
}

function incidentOf(sequence: number): Incident {
  return {
    incidentKey: keyFromSequence(6_000_000 + sequence),
    processDefinitionId: 'order-process',
    processDefinitionKey: keyFromSequence(1),
    processInstanceKey: keyFromSequence(sequence),
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'declined',
    elementId: 'review',
    elementInstanceKey: keyFromSequence(1_000_000 + sequence),
    creationTime: NOW,
    state: 'RESOLVED',
    tenantId: '<default>',
  };
}

/** Every instance a batch's initialization would find for `order-process`, in every shard. */
async function foundByQuery(): Promise<string[]> {
  const plan = planQuery(parseProcessInstanceFilter({ processDefinitionId: 'order-process' }));
  const keys: string[] = [];
  for (let shard = 0; shard < SHARDS; shard++) {
    let cursor: string | undefined;
    do {
      const page = await instances.queryShard(plan, shard, { cursor, pageSize: 100 });
      keys.push(...page.instances.map((instance) => instance.processInstanceKey));
      cursor = page.cursor;
    } while (cursor);
  }
  return keys.sort();
}

describe('deleting process instances (DELETE_PROCESS_INSTANCE)', () => {
  it('deletes a finished instance with its jobs and incidents, leaving only an invisible tombstone', async () => {
    // Prepare
    const instance = processInstance(1, { state: 'COMPLETED', endDate: NOW, batchOperationIds: ['100'] });
    const jobs = [jobOf(1, 0), jobOf(1, 1)];
    await instances.putInstances([instance]);
    expect(await engine.commit({ createJobs: jobs, createIncidents: [incidentOf(1)] })).toBe(true);
    const item = { batchOperationKey: '800', processInstanceKey: instance.processInstanceKey };
    // Act
    const result = await applyOperation(deps, deleteProcessInstance, item);
    const redelivered = await applyOperation(deps, deleteProcessInstance, item);
    // Assess
    expect([result, redelivered]).toEqual([{ state: 'COMPLETED' }, { state: 'COMPLETED' }]);
    expect(await instances.getInstance(instance.processInstanceKey)).toBeUndefined();
    expect(await instances.getTombstone(instance.processInstanceKey)).toEqual({
      processInstanceKey: instance.processInstanceKey,
      batchOperationIds: ['100', '800'],
      deletedDate: NOW,
    });
    expect(await engine.jobsOf(instance.processInstanceKey)).toEqual([]);
    const incidents = await engine.queryIncidents(
      { kind: 'processInstance', processInstanceKey: instance.processInstanceKey },
      { limit: 10 },
    );
    expect(incidents.incidents).toEqual([]);
    expect(await foundByQuery()).not.toContain(instance.processInstanceKey);
    // Another batch finds nothing to delete: not found, as in Camunda.
    expect(await applyOperation(deps, deleteProcessInstance, { ...item, batchOperationKey: '801' })).toEqual({
      state: 'FAILED',
      errorMessage: `Expected to delete process instance with key '${instance.processInstanceKey}', but no such process instance was found`,
      errorClass: 'NOT_FOUND',
    });
  });

  it('refuses a running instance and leaves it as it was', async () => {
    const instance = processInstance(2);
    await instances.putInstances([instance]);
    const result = await applyOperation(deps, deleteProcessInstance, {
      batchOperationKey: '802',
      processInstanceKey: instance.processInstanceKey,
    });
    expect(result).toEqual({
      state: 'FAILED',
      errorMessage: `Expected to delete process instance with key '${instance.processInstanceKey}', but it is ACTIVE: only finished instances (COMPLETED, TERMINATED) can be deleted; cancel it first`,
      errorClass: 'INVALID_STATE',
    });
    expect(await instances.getInstance(instance.processInstanceKey)).toEqual(instance);
    expect(await foundByQuery()).toContain(instance.processInstanceKey);
  });

  it('deletes more history than one transaction holds before the tombstone', async () => {
    // Prepare: 120 jobs, more than a transaction's 100 writes.
    const instance = processInstance(3, { state: 'TERMINATED', endDate: NOW });
    await instances.putInstances([instance]);
    const jobs = Array.from({ length: 120 }, (_, index) => jobOf(3, index));
    for (let start = 0; start < jobs.length; start += 50) {
      expect(await engine.commit({ createJobs: jobs.slice(start, start + 50) })).toBe(true);
    }
    // Act
    const result = await applyOperation(deps, deleteProcessInstance, {
      batchOperationKey: '803',
      processInstanceKey: instance.processInstanceKey,
    });
    // Assess
    expect(result).toEqual({ state: 'COMPLETED' });
    expect(await engine.jobsOf(instance.processInstanceKey)).toEqual([]);
    expect(await instances.getTombstone(instance.processInstanceKey)).toMatchObject({
      batchOperationIds: ['803'],
    });
  });

  it('lets a tombstone expire after the retention, later than any redelivery', async () => {
    const instance = processInstance(4, { state: 'TERMINATED', endDate: NOW });
    const decision = await decideDeletion(
      { engine: { jobsOf: async () => [], queryIncidents: async () => ({ incidents: [] }) } },
      instance,
      { batchOperationKey: '804', now: NOW },
    );
    if (!('change' in decision)) throw new Error(decision.refused);
    expect(decision.change.deleteInstance?.expiresAt).toBe(
      Date.parse(NOW) / 1000 + TOMBSTONE_RETENTION_SECONDS,
    );
    expect(TOMBSTONE_RETENTION_SECONDS).toBeGreaterThan(14 * 24 * 60 * 60);
    expect(decision.change.instance.after.batchOperationIds).toEqual(['804']);
  });
});
