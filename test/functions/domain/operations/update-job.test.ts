import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployResources } from '#domain/instance/deploy.ts';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import { startProcessInstance } from '#domain/instance/start-process-instance.ts';
import { applyOperation } from '#domain/operations/apply-operation.ts';
import { operationHandlerFor } from '#domain/operations/registry.ts';
import { engineDepsOn, startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

/** UPDATE_JOB applied by the batch executor to jobs the engine created, against DynamoDB Local. */
let dynamo: TestDynamo;
let deps: EngineDeps;
const handler = operationHandlerFor('UPDATE_JOB');

beforeAll(async () => {
  dynamo = await startTestDynamo();
  deps = engineDepsOn(dynamo.db);
  const xml = readFileSync(resolve(import.meta.dirname, '../../../fixtures/e2e-payment.bpmn'), 'utf8');
  await deployResources(deps, { resources: [{ name: 'e2e-payment.bpmn', content: xml }] });
});
afterAll(() => dynamo.stop());

let nextBatch = 900;

/** A new instance's one job (e2e-charge-card, 2 retries). */
async function newJob() {
  const { processInstanceKey } = await startProcessInstance(deps, { processDefinitionId: 'e2e-payment' });
  const [job] = await deps.engine.openJobsOf(processInstanceKey);
  return job;
}

const itemOf = (job: { jobKey: string; processInstanceKey: string }, changeset: object) => ({
  batchOperationKey: String(nextBatch++),
  itemKey: job.jobKey,
  processInstanceKey: job.processInstanceKey,
  parameters: { changeset },
});

describe('UPDATE_JOB', () => {
  it('changes the job once per batch: a redelivered item finds its mark and changes nothing', async () => {
    // Prepare
    const job = await newJob();
    const item = itemOf(job, { retries: 9 });

    // Act
    const results = [await applyOperation(deps, handler, item), await applyOperation(deps, handler, item)];

    // Assess
    expect(results).toEqual([{ state: 'COMPLETED' }, { state: 'COMPLETED' }]);
    expect(await deps.engine.getJob(job.jobKey)).toMatchObject({
      retries: 9,
      revision: job.revision + 1,
      batchOperationIds: [item.batchOperationKey],
    });
  });

  it('moves the deadline of a job a worker holds to now + timeout', async () => {
    // Prepare
    const job = await newJob();
    const held = {
      ...job,
      state: 'ACTIVATED' as const,
      worker: 'w',
      deadline: 1,
      revision: job.revision + 1,
    };
    expect(await deps.engine.commit({ jobs: [{ before: job, after: held }] })).toBe(true);

    // Act
    const result = await applyOperation(deps, handler, itemOf(job, { timeout: 60_000, retries: null }));

    // Assess
    expect(result).toEqual({ state: 'COMPLETED' });
    expect(await deps.engine.getJob(job.jobKey)).toMatchObject({
      deadline: deps.now().getTime() + 60_000,
      retries: 2,
    });
  });

  it("fails a job no worker holds when asked for a timeout, and a finished or unknown job, with the engine's reason", async () => {
    // Prepare
    const idle = await newJob();
    const finished = await newJob();
    const canceled = { ...finished, state: 'CANCELED' as const, revision: finished.revision + 1 };
    expect(await deps.engine.commit({ jobs: [{ before: finished, after: canceled }] })).toBe(true);

    // Act
    const results = await Promise.all([
      applyOperation(deps, handler, itemOf(idle, { timeout: 1000 })),
      applyOperation(deps, handler, itemOf(finished, { retries: 3 })),
      applyOperation(
        deps,
        handler,
        itemOf({ jobKey: '2251799813999999', processInstanceKey: '1' }, { retries: 3 }),
      ),
    ]);

    // Assess
    expect(results).toEqual([
      {
        state: 'FAILED',
        errorClass: 'INVALID_STATE',
        errorMessage: `Expected to update the timeout of job with key '${idle.jobKey}', but it is in state 'ACTIVATABLE', not ACTIVATED`,
      },
      {
        state: 'FAILED',
        errorClass: 'INVALID_STATE',
        errorMessage: `Expected to update job with key '${finished.jobKey}', but it is in state 'CANCELED'`,
      },
      {
        state: 'FAILED',
        errorClass: 'NOT_FOUND',
        errorMessage: "Expected to update job with key '2251799813999999', but no such job was found",
      },
    ]);
    expect((await deps.engine.getJob(idle.jobKey))?.revision).toBe(idle.revision);
  });
});
