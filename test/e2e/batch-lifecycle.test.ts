import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, sqs, stepFunctions } from '#commons/clients.ts';
import { services } from '#commons/services.ts';
import type { Chunk } from '#domain/batch/chunk.ts';
import { LOCAL_STATE_MACHINE_ARN } from '../../local/step-functions-emulator.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { ISO_DATE_TIME } from '../helpers/dates.ts';
import { type DynamoCall, type DynamoFaults, injectDynamoFaults } from '../helpers/dynamodb-faults.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * Suspension, resumption and cancellation of running batches, through the API on the embedded
 * runtime. One item at a time per shard and small chunks make a batch slow enough to act on it
 * while it runs.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let faults: DynamoFaults;
let nextSequence = 10_000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '5', WORKER_CONCURRENCY: '1' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  faults = injectDynamoFaults(dynamoDocumentClient());
});
afterEach(() => faults.use(undefined));
afterAll(() => runtime?.stop());

/** Seeds `count` ACTIVE instances of a definition of their own, straight into the instance store. */
async function seed(count: number): Promise<{ processDefinitionId: string; keys: string[] }> {
  const processDefinitionId = `lifecycle-${nextSequence}`;
  const instances = Array.from({ length: count }, () =>
    processInstance(nextSequence++, { processDefinitionId }),
  );
  await services().instances.putInstances(instances);
  return { processDefinitionId, keys: instances.map((instance) => instance.processInstanceKey) };
}

async function cancelByDefinition(processDefinitionId: string): Promise<string> {
  const { status, body } = await api.post('/v2/process-instances/cancellation', {
    filter: { processDefinitionId },
  });
  expect(status).toBe(200);
  return body.batchOperationKey;
}

const batch = async (key: string) => (await api.get(`/v2/batch-operations/${key}`)).body;

function until(key: string, accept: (body: Record<string, unknown> & { state: string }) => boolean) {
  let last: unknown;
  return eventually(
    async () => {
      const body = await batch(key);
      last = body;
      return accept(body) ? body : undefined;
    },
    () => `batch ${key}: ${JSON.stringify(last)}`,
    90_000,
  );
}

async function chunksOf(batchOperationKey: string): Promise<Chunk[]> {
  const found: Chunk[] = [];
  for await (const chunk of services().chunks.read({ batchOperationKey })) found.push(chunk);
  return found;
}

async function instanceStates(keys: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const key of keys) {
    const state = (await services().instances.getInstance(key))?.state ?? 'MISSING';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}

function itemStates(chunks: Chunk[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of chunks.flatMap((chunk) => chunk.items))
    counts[item.state] = (counts[item.state] ?? 0) + 1;
  return counts;
}

/**
 * Waits until the chunk queue holds no message, neither waiting nor in flight: every chunk sent has
 * run or been left pending by the worker, and none can run before the next dispatch.
 */
async function chunkQueueDrained() {
  let last: unknown;
  await eventually(
    async () => {
      const { Attributes } = await sqs().send(
        new GetQueueAttributesCommand({
          QueueUrl: services().config.CHUNK_QUEUE_URL,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      last = Attributes;
      const left =
        Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
      return left === 0 ? true : undefined;
    },
    () => `chunk queue not drained: ${JSON.stringify(last)}`,
  );
}

/** A query of the initialization for the instances of one definition (any shard). */
function isInstanceQuery(call: DynamoCall, processDefinitionId: string): boolean {
  return (
    call.operation === 'Query' &&
    call.input.TableName === services().config.PROCESS_INSTANCES_TABLE &&
    Object.values(call.input.ExpressionAttributeValues ?? {}).some(
      (value) => typeof value === 'string' && value.endsWith(`#${processDefinitionId}`),
    )
  );
}

async function executionStatus(batchOperationKey: string) {
  const executionArn = `${LOCAL_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${batchOperationKey}`;
  const { status } = await stepFunctions().send(new DescribeExecutionCommand({ executionArn }));
  return status;
}

describe('batch lifecycle', () => {
  it('suspends a running batch (no chunk runs until resumed) and resumes it to exact counts', async () => {
    // Prepare
    const { processDefinitionId, keys } = await seed(200);
    const key = await cancelByDefinition(processDefinitionId);
    await until(key, (body) => Number(body.operationsCompletedCount) >= 10);
    // Act: suspend; the chunk in flight finishes and the queued ones are left pending (nothing sends
    // them again before the resumption), so once the queue is empty nothing of the batch can move.
    expect((await api.post(`/v2/batch-operations/${key}/suspension`)).status).toBe(204);
    await chunkQueueDrained();
    const suspended = await batch(key);
    const itemsWhileSuspended = itemStates(await chunksOf(key));
    const instancesWhileSuspended = await instanceStates(keys);
    expect((await api.post(`/v2/batch-operations/${key}/resumption`)).status).toBe(204);
    const finished = await until(key, (body) => body.state !== 'ACTIVE' && body.state !== 'SUSPENDED');
    // Assess
    expect(suspended.state).toBe('SUSPENDED');
    const done = suspended.operationsCompletedCount;
    expect(done).toBeLessThan(200);
    expect(itemsWhileSuspended).toEqual({ COMPLETED: done, ACTIVE: 200 - done });
    expect(instancesWhileSuspended).toEqual({ TERMINATED: done, ACTIVE: 200 - done });
    expect(finished).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 200,
      operationsCompletedCount: 200,
      operationsFailedCount: 0,
    });
    expect(itemStates(await chunksOf(key))).toEqual({ COMPLETED: 200 });
    expect(await instanceStates(keys)).toEqual({ TERMINATED: 200 });
    await eventually(
      async () => ((await executionStatus(key)) === 'SUCCEEDED' ? true : undefined),
      () => 'execution still running',
    );
  }, 120_000);

  it('cancels a running batch: no further item is processed, the rest become CANCELED, the execution ends', async () => {
    // Prepare
    const { processDefinitionId, keys } = await seed(200);
    const key = await cancelByDefinition(processDefinitionId);
    await until(key, (body) => Number(body.operationsCompletedCount) >= 10);
    // Act
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`)).status).toBe(204);
    const requested = await batch(key);
    const canceled = await until(key, (body) => body.state === 'CANCELED');
    await eventually(
      async () => ((await executionStatus(key)) === 'SUCCEEDED' ? true : undefined),
      () => 'execution still running',
    );
    // Assess: processed items keep their outcome, and exactly those instances were canceled.
    const final = await batch(key);
    // The request shows at once; the final state, end date and counts once drained, never to change.
    expect(requested.cancelRequestedAt).toMatch(ISO_DATE_TIME);
    expect(canceled.endDate).toMatch(ISO_DATE_TIME);
    expect(final).toEqual(canceled);
    expect(final).toMatchObject({ state: 'CANCELED', operationsTotalCount: 200 });
    const chunks = await chunksOf(key);
    expect(chunks.every((chunk) => chunk.state === 'DONE')).toBe(true);
    const items = itemStates(chunks);
    expect(items.COMPLETED).toBe(final.operationsCompletedCount);
    expect(items.COMPLETED + items.CANCELED).toBe(200);
    expect(items.CANCELED).toBeGreaterThan(0);
    expect(await instanceStates(keys)).toEqual({ TERMINATED: items.COMPLETED, ACTIVE: items.CANCELED });
  });

  it('holds a batch suspended before it ran, then cancels it without touching an instance', async () => {
    // Prepare: the initialization's instance queries wait until the batch is suspended.
    const { processDefinitionId, keys } = await seed(60);
    let release = () => {};
    const initializationHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    faults.use((call) =>
      isInstanceQuery(call, processDefinitionId) ? { kind: 'hold', until: initializationHeld } : undefined,
    );
    const key = await cancelByDefinition(processDefinitionId);
    // Act: suspended before any shard has read an instance, so before any chunk exists.
    expect((await api.post(`/v2/batch-operations/${key}/suspension`)).status).toBe(204);
    release();
    await eventually(
      async () => {
        const shards = (await services().batches.getBatch(key))?.shards ?? [];
        return shards.length > 0 && shards.every((shard) => shard.state === 'EXECUTING') ? true : undefined;
      },
      () => `batch ${key} still initializing`,
    );
    // SUSPENDED is written once the execution has seen that nothing is in flight.
    const held = await eventually(
      async () => {
        const read = await batch(key);
        return read.state === 'SUSPENDED' ? read : undefined;
      },
      () => `batch ${key} not SUSPENDED yet`,
    );
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`)).status).toBe(204);
    await eventually(
      async () => ((await executionStatus(key)) === 'SUCCEEDED' ? true : undefined),
      () => 'execution still running',
    );
    // Assess
    expect(held).toMatchObject({ state: 'SUSPENDED', operationsTotalCount: 60, operationsCompletedCount: 0 });
    expect(itemStates(await chunksOf(key))).toEqual({ CANCELED: 60 });
    expect(await instanceStates(keys)).toEqual({ ACTIVE: 60 });
    expect(await batch(key)).toMatchObject({ state: 'CANCELED', operationsTotalCount: 60 });
  });

  it('refuses transitions that make no sense with 409 INVALID_STATE, and unknown batches with 404', async () => {
    const { processDefinitionId } = await seed(5);
    const key = await cancelByDefinition(processDefinitionId);
    await until(key, (body) => body.state === 'COMPLETED');
    const resume = await api.post(`/v2/batch-operations/${key}/resumption`);
    const suspend = await api.post(`/v2/batch-operations/${key}/suspension`);
    const cancel = await api.post(`/v2/batch-operations/${key}/cancellation`);
    const unknown = await api.post('/v2/batch-operations/2251799813685999/suspension');
    expect([resume.status, suspend.status, cancel.status, unknown.status]).toEqual([409, 409, 409, 404]);
    expect(resume.body).toMatchObject({ title: 'INVALID_STATE', status: 409 });
    expect(resume.body.detail).toContain('it is COMPLETED');
    expect(unknown.body).toMatchObject({ title: 'NOT_FOUND', status: 404 });
    expect((await batch(key)).state).toBe('COMPLETED');
  });
});
