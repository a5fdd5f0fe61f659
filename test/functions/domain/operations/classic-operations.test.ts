import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployResources } from '#domain/instance/deploy.ts';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import { startProcessInstance } from '#domain/instance/start-process-instance.ts';
import { applyOperation } from '#domain/operations/apply-operation.ts';
import { operationHandlerFor } from '#domain/operations/registry.ts';
import { restartParametersSchema } from '#domain/operations/restart-process-instance.ts';
import { externalTaskRetriesParametersSchema } from '#domain/operations/set-external-task-retries.ts';
import { jobRetriesParametersSchema } from '#domain/operations/set-job-retries.ts';
import { engineDepsOn, startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

/**
 * The classic-engine operations (Camunda 7's job retries, external task retries and restart) applied
 * by the batch executor to instances the engine started, against DynamoDB Local.
 */
let dynamo: TestDynamo;
let deps: EngineDeps;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  deps = engineDepsOn(dynamo.db);
  const fixture = (name: string) => ({
    name,
    content: readFileSync(resolve(import.meta.dirname, '../../../fixtures', name), 'utf8'),
  });
  await deployResources(deps, { resources: [fixture('e2e-fulfilment.bpmn'), fixture('e2e-payment.bpmn')] });
});
afterAll(() => dynamo.stop());

let nextBatch = 700;
const item = (processInstanceKey: string, parameters: unknown, batchOperationKey = String(nextBatch++)) => ({
  batchOperationKey,
  processInstanceKey,
  parameters,
});

async function started(processDefinitionId: string, variables: Record<string, unknown> = {}) {
  const { processInstanceKey } = await startProcessInstance(deps, { processDefinitionId, variables });
  return processInstanceKey;
}

async function jobsOf(processInstanceKey: string) {
  return (await deps.engine.openJobsOf(processInstanceKey)).sort((a, b) => a.type.localeCompare(b.type));
}

describe('SET_JOB_RETRIES', () => {
  it('sets the retries of every open job of the instance once per batch, bumping each revision once', async () => {
    // Prepare
    const key = await started('e2e-fulfilment');
    const handler = operationHandlerFor('SET_JOB_RETRIES');
    const batchItem = item(key, { retries: 7 });

    // Act
    const results = [
      await applyOperation(deps, handler, batchItem),
      await applyOperation(deps, handler, batchItem),
    ];

    // Assess
    expect(results).toEqual([{ state: 'COMPLETED' }, { state: 'COMPLETED' }]);
    const jobs = await jobsOf(key);
    expect(jobs.map((job) => [job.type, job.retries, job.revision])).toEqual([
      ['e2e-label', 7, 1],
      ['e2e-pack', 7, 1],
    ]);
    expect((await deps.instances.getInstance(key))?.batchOperationIds).toEqual([batchItem.batchOperationKey]);
  });

  it('fails a canceled instance whose jobs are not canceled yet (they are canceled lazily)', async () => {
    // Prepare
    const key = await started('e2e-fulfilment');
    const instance = await deps.instances.getInstance(key);
    await deps.instances.putInstances([
      { ...(instance as NonNullable<typeof instance>), state: 'TERMINATED' },
    ]);

    // Act
    const result = await applyOperation(
      deps,
      operationHandlerFor('SET_JOB_RETRIES'),
      item(key, { retries: 2 }),
    );

    // Assess
    expect(result).toMatchObject({ state: 'FAILED', errorClass: 'INVALID_STATE' });
    expect(result.state === 'FAILED' && result.errorMessage).toContain('but it is TERMINATED');
    expect((await jobsOf(key)).map((job) => job.retries)).toEqual([1, 1]);
  });

  it('takes positive whole retries only', () => {
    expect(jobRetriesParametersSchema.safeParse({ retries: 1 }).success).toBe(true);
    for (const retries of [0, -1, 1.5, '3', undefined])
      expect(jobRetriesParametersSchema.safeParse({ retries }).success).toBe(false);
  });
});

describe('SET_EXTERNAL_TASK_RETRIES', () => {
  it('without a topic sets the retries of every external task of the instance', async () => {
    // Prepare
    const key = await started('e2e-fulfilment');

    // Act
    const result = await applyOperation(
      deps,
      operationHandlerFor('SET_EXTERNAL_TASK_RETRIES'),
      item(key, { retries: 5 }),
    );

    // Assess
    expect(result).toEqual({ state: 'COMPLETED' });
    expect((await jobsOf(key)).map((job) => job.retries)).toEqual([5, 5]);
  });

  it('with a topic changes only the tasks of that topic', async () => {
    // Prepare
    const key = await started('e2e-fulfilment');

    // Act
    const result = await applyOperation(
      deps,
      operationHandlerFor('SET_EXTERNAL_TASK_RETRIES'),
      item(key, { retries: 5, topicName: 'e2e-label' }),
    );

    // Assess
    expect(result).toEqual({ state: 'COMPLETED' });
    expect((await jobsOf(key)).map((job) => [job.type, job.retries])).toEqual([
      ['e2e-label', 5],
      ['e2e-pack', 1],
    ]);
  });

  it('refuses an empty topic and unknown fields', () => {
    expect(externalTaskRetriesParametersSchema.safeParse({ retries: 2, topicName: '' }).success).toBe(false);
    expect(externalTaskRetriesParametersSchema.safeParse({ retries: 2, topic: 'x' }).success).toBe(false);
  });
});

describe('RESTART_PROCESS_INSTANCE', () => {
  async function completedPayment() {
    const key = await started('e2e-payment', { amount: 3 });
    const instance = await deps.instances.getInstance(key);
    await deps.instances.putInstances([
      { ...(instance as NonNullable<typeof instance>), state: 'COMPLETED', elementInstances: [] },
    ]);
    return key;
  }

  it('starts exactly one new instance per batch, however often the item is applied', async () => {
    // Prepare
    const key = await completedPayment();
    const handler = operationHandlerFor('RESTART_PROCESS_INSTANCE');
    const batchItem = item(key, { startInstructions: [{ elementId: 'charge-card' }] });

    // Act
    const results = [
      await applyOperation(deps, handler, batchItem),
      await applyOperation(deps, handler, batchItem),
    ];

    // Assess
    expect(results).toEqual([{ state: 'COMPLETED' }, { state: 'COMPLETED' }]);
    const old = await deps.instances.getInstance(key);
    expect(old?.restartedAs).toHaveLength(1);
    const restarted = await deps.instances.getInstance(old?.restartedAs?.[0].processInstanceKey ?? '');
    expect(restarted).toMatchObject({
      state: 'ACTIVE',
      variables: { amount: '3' },
      restartedFrom: { processInstanceKey: key, batchOperationKey: batchItem.batchOperationKey },
      elementInstances: [expect.objectContaining({ elementId: 'charge-card', state: 'ACTIVE' })],
    });
    expect((await jobsOf(restarted?.processInstanceKey ?? '')).map((job) => job.type)).toEqual([
      'e2e-charge-card',
    ]);
  });

  it('records every restart of the same instance by different batches', async () => {
    // Prepare
    const key = await completedPayment();
    const handler = operationHandlerFor('RESTART_PROCESS_INSTANCE');
    const parameters = { startInstructions: [{ elementId: 'payment-done' }] };

    // Act
    await applyOperation(deps, handler, item(key, parameters));
    await applyOperation(deps, handler, item(key, parameters));

    // Assess: two restarts; starting at the end event completes the new instances at once.
    const old = await deps.instances.getInstance(key);
    expect(old?.restartedAs).toHaveLength(2);
    for (const restart of old?.restartedAs ?? [])
      expect((await deps.instances.getInstance(restart.processInstanceKey))?.state).toBe('COMPLETED');
  });

  it('fails an instance whose definition is gone as not found', async () => {
    // Prepare
    const key = await completedPayment();
    const instance = await deps.instances.getInstance(key);
    await deps.instances.putInstances([
      { ...(instance as NonNullable<typeof instance>), processDefinitionKey: '1' },
    ]);

    // Act
    const result = await applyOperation(
      deps,
      operationHandlerFor('RESTART_PROCESS_INSTANCE'),
      item(key, { startInstructions: [{ elementId: 'charge-card' }] }),
    );

    // Assess
    expect(result).toMatchObject({ state: 'FAILED', errorClass: 'NOT_FOUND' });
    expect(result.state === 'FAILED' && result.errorMessage).toContain(
      "its process definition '1' no longer exists",
    );
  });

  it('takes at least one start instruction and records its flags only as booleans', () => {
    expect(restartParametersSchema.safeParse({ startInstructions: [] }).success).toBe(false);
    expect(
      restartParametersSchema.safeParse({ startInstructions: [{ elementId: 'a' }], skipIoMappings: 'yes' })
        .success,
    ).toBe(false);
    expect(
      restartParametersSchema.safeParse({
        startInstructions: [{ elementId: 'a' }],
        skipCustomListeners: true,
        skipIoMappings: false,
      }).success,
    ).toBe(true);
  });
});
