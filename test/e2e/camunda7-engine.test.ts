import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '#commons/clients.ts';
import { services } from '#commons/services.ts';
import { CAMUNDA_KEY_PATTERN } from '#domain/surrogate-key.ts';
import { runBatchopsInProcess } from '../cli/run-batchops.ts';
import { apiClient, DEMO_CREDENTIALS, eventually } from '../helpers/api-client.ts';
import { strictCamundaClient } from '../helpers/camunda-sdk.ts';
import {
  type DynamoFaults,
  firstChunkRecordingLost,
  injectDynamoFaults,
} from '../helpers/dynamodb-faults.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { OperatonEngine } from '../helpers/operaton-engine.ts';

/**
 * The service driving a Camunda 7 engine (ENGINE=camunda7): a real Operaton engine on loopback
 * (test/engines/operaton) holds the instances; the service under test runs in this process and reaches
 * it only through its REST API. Batches are created, followed and read on the service; what they did
 * is read back on the engine.
 */
let operaton: OperatonEngine;
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let faults: DynamoFaults;

beforeAll(async () => {
  // Its database in a file: the restart test stops the engine mid-batch and finds its data again.
  operaton = await OperatonEngine.start({ persistent: true });
  runtime = await startRuntime({
    port: 0,
    config: {
      ENGINE: 'camunda7',
      ...operaton.environment(),
      CHUNK_SIZE: '5',
      // A worker waits out an engine restart (up to about 100 s on a loaded machine) within one delivery.
      QUERY_RETRY_MAX: '20',
      QUERY_RETRY_INITIAL_DELAY_MS: '500',
      QUERY_RETRY_MAX_DELAY_MS: '5000',
    },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  faults = injectDynamoFaults(dynamoDocumentClient());
});
afterEach(() => faults?.use(undefined));
afterAll(async () => {
  await runtime?.stop();
  await operaton?.dispose();
});

/** Read now: the service is strongly consistent, so no client-side waiting for eventual consistency. */
const NOW = { consistency: { waitUpToMs: 0 } };

const running = async (processDefinitionKey: string) =>
  (await operaton.call<{ id: string }[]>('POST', '/process-instance', { processDefinitionKey }))
    .map((instance) => instance.id)
    .sort();

describe('a cancellation batch on a Camunda 7 engine', () => {
  it("cancels exactly the query's instances and the listed ones, once each, and fails a finished one with the engine's reason", async () => {
    // Prepare: 10 instances match the query, 3 of another process do not; a listed instance has ended.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-cancel');
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-other');
    const matching = await operaton.startInstances('c7-e2e-cancel', 10);
    const others = await operaton.startInstances('c7-e2e-other', 4);
    const finished = others[3];
    await operaton.call('DELETE', `/process-instance/${finished}`);

    // Act: the query plus two listed ids, one of which the query matches as well.
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionKey: 'c7-e2e-cancel' },
      processInstanceKeys: [finished, matching[4]],
    });
    expect(created.status).toBe(200);
    const batch = await api.finalBatch(created.body.batchOperationKey);

    // Assess: counted on the service, done on the engine.
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 11,
      operationsCompletedCount: 10,
      operationsFailedCount: 1,
    });
    const items = await itemsOf(created.body.batchOperationKey);
    expect(items.map((item) => item.processInstanceEngineId).sort()).toEqual([...matching, finished].sort());
    const failed = items.filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => item.processInstanceEngineId)).toEqual([finished]);
    // Operaton's own message for an instance that is no longer running.
    expect(failed[0].errorMessage).toContain(finished);
    expect(await running('c7-e2e-cancel')).toEqual([]);
    expect(await running('c7-e2e-other')).toEqual(others.slice(0, 3).sort());
    // The engine's query is read once for the batch: one shard holds every item.
    const stored = await services().batches.getBatch(created.body.batchOperationKey);
    expect(stored?.shards.map((shard) => shard.totalCount)).toEqual([11]);
  });

  it('loses no item and counts none twice when the engine stops mid-batch and starts again', async () => {
    // Prepare: a paced batch of 10, so that the engine stops while items are still pending.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-restart');
    const instances = await operaton.startInstances('c7-e2e-restart', 10);
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionKey: 'c7-e2e-restart' },
      itemsPerSecond: 2,
    });
    expect(created.status).toBe(200);
    let last: unknown;
    await eventually(
      async () => {
        const { body } = await api.get(`/v2/batch-operations/${created.body.batchOperationKey}`);
        last = body;
        return body.operationsCompletedCount >= 2 ? body : undefined;
      },
      () => `The batch did not start: ${JSON.stringify(last)}`,
    );

    // Act: the engine stops and starts again on its database file.
    await operaton.stop();
    const whileDown = await api.get(`/v2/batch-operations/${created.body.batchOperationKey}`);
    expect(whileDown.body.operationsCompletedCount).toBeLessThan(10);
    await operaton.restart();
    const batch = await api.finalBatch(created.body.batchOperationKey, 240_000);

    // Assess
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 10,
      operationsCompletedCount: 10,
      operationsFailedCount: 0,
    });
    expect(await running('c7-e2e-restart')).toEqual([]);
    const history = await operaton.call<{ state: string }[]>('POST', '/history/process-instance', {
      processInstanceIds: instances,
    });
    expect(history.map((entry) => entry.state)).toEqual(instances.map(() => 'EXTERNALLY_TERMINATED'));
  }, 360_000);

  it('counts a chunk redelivered after its calls were sent once, and fails no item for being done already', async () => {
    // Prepare: the first recording of a chunk fails after its items were sent, so the chunk comes
    // again and finds its instances ended: appliedBy reads them EXTERNALLY_TERMINATED.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-redelivery');
    const instances = await operaton.startInstances('c7-e2e-redelivery', 10);
    const recordingLost = firstChunkRecordingLost(services().config.BATCH_ITEMS_TABLE);
    faults.use(recordingLost.rule);

    // Act
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionKey: 'c7-e2e-redelivery' },
    });
    const batch = await api.finalBatch(created.body.batchOperationKey);

    // Assess
    expect(recordingLost.lost).toBe(1);
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 10,
      operationsCompletedCount: 10,
      operationsFailedCount: 0,
    });
    expect(await running('c7-e2e-redelivery')).toEqual([]);
    const history = await operaton.call<{ state: string }[]>('POST', '/history/process-instance', {
      processInstanceIds: instances,
    });
    expect(history.map((entry) => entry.state)).toEqual(instances.map(() => 'EXTERNALLY_TERMINATED'));
  });

  it("answers a dry run by the engine's counts: the query's instances and the listed ones, each once", async () => {
    // Prepare: 4 instances match; one listed id matches too, one is of another process.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-dry-run');
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-dry-run-other');
    const matching = await operaton.startInstances('c7-e2e-dry-run', 4);
    const [other] = await operaton.startInstances('c7-e2e-dry-run-other', 1);

    // Act
    const dryRun = await api.post('/v2/extensions/process-instances/cancellation/dry-run', {
      filter: { processDefinitionKey: 'c7-e2e-dry-run' },
      processInstanceKeys: [matching[1], other],
    });

    // Assess: nothing changed on the engine.
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toEqual({
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      total: 5,
      shards: [{ shard: 0, count: 5 }],
      sampleProcessInstanceKeys: [...matching, other].sort(),
    });
    expect(await running('c7-e2e-dry-run')).toEqual([...matching].sort());
  });

  it('refuses a query with paging fields at creation with a problem detail, storing nothing', async () => {
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionKey: 'c7-e2e-cancel', maxResults: 5 },
    });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({
      title: 'INVALID_ARGUMENT',
      detail: expect.stringContaining('maxResults'),
    });
  });
});

/**
 * A batch's items as the service's item search answers them, after Camunda's official client with
 * strict response validation took the same answer: numeric keys, the engine's ids beside them.
 */
async function itemsOf(batchOperationKey: string, camundaType = true) {
  const search = { filter: { batchOperationKey }, page: { limit: 100 } };
  // Camunda's enum of batch types lacks the extension types: a strict client refuses their items whatever their keys.
  if (camundaType) await strictCamundaClient(runtime.url).searchBatchOperationItems(search, NOW);
  const { body } = await api.post('/v2/batch-operation-items/search', search);
  const items = body.items as {
    itemKey: string;
    itemEngineId: string;
    processInstanceKey: string;
    processInstanceEngineId: string;
    state: string;
    errorMessage: string | null;
  }[];
  for (const item of items) {
    expect(item.itemKey).toMatch(CAMUNDA_KEY_PATTERN);
    expect(item.processInstanceKey).toMatch(CAMUNDA_KEY_PATTERN);
    expect(item.processInstanceEngineId).not.toMatch(CAMUNDA_KEY_PATTERN);
  }
  return items;
}

/**
 * Creates a batch, waits for its end and asserts that it COMPLETED its `total` items, exactly one of
 * which failed: `failed`, with the engine's `message`. Its items.
 */
async function batchWithOneFailure(
  path: string,
  body: Record<string, unknown>,
  expected: { total: number; failed: string; message: string },
) {
  const created = await api.post(path, body);
  expect(created.status).toBe(200);
  const batch = await api.finalBatch(created.body.batchOperationKey);
  expect(batch).toMatchObject({
    state: 'COMPLETED',
    operationsTotalCount: expected.total,
    operationsCompletedCount: expected.total - 1,
    operationsFailedCount: 1,
  });
  const items = await itemsOf(created.body.batchOperationKey, !path.startsWith('/v2/extensions/'));
  expect(items.filter((item) => item.state === 'FAILED')).toEqual([
    expect.objectContaining({ processInstanceEngineId: expected.failed, errorMessage: expected.message }),
  ]);
  return items;
}

describe('migration, modification and restart batches on a Camunda 7 engine', () => {
  it("migrates exactly the query's instances and a listed one once each, and fails an ended one with the engine's reason", async () => {
    // Prepare: 5 running instances on version 1 and an ended one, then version 2.
    const v1 = await operaton.deploy('c7-review.bpmn', 'c7-e2e-migrate');
    const instances = await operaton.startInstances('c7-e2e-migrate', 6);
    const ended = instances[5];
    await operaton.call('DELETE', `/process-instance/${ended}`);
    const v2 = await operaton.deploy('c7-review.bpmn', 'c7-e2e-migrate');

    // Act and assess: counted on the service
    const items = await batchWithOneFailure(
      '/v2/process-instances/migration',
      {
        filter: { processDefinitionId: v1.id },
        processInstanceKeys: [ended, instances[0]],
        migrationPlan: {
          targetProcessDefinitionKey: v2.id,
          mappingInstructions: [{ sourceElementId: 'wait', targetElementId: 'wait' }],
        },
      },
      { total: 6, failed: ended, message: `Process instance with id ${ended} does not exist` },
    );

    // Assess: done on the engine
    expect(items.map((item) => item.processInstanceEngineId).sort()).toEqual([...instances].sort());
    const running = await operaton.call<{ id: string; definitionId: string }[]>('POST', '/process-instance', {
      processDefinitionKey: 'c7-e2e-migrate',
    });
    expect(running.map((instance) => instance.definitionId)).toEqual(instances.slice(0, 5).map(() => v2.id));
  });

  it('refuses a migration to a definition the engine does not know at creation, with a problem detail', async () => {
    const created = await api.post('/v2/process-instances/migration', {
      filter: { processDefinitionKey: 'c7-e2e-migrate' },
      migrationPlan: { targetProcessDefinitionKey: 'c7-unknown:1:x', mappingInstructions: [] },
    });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({
      title: 'INVALID_ARGUMENT',
      detail: expect.stringContaining('c7-unknown:1:x'),
    });
  });

  it("moves the tokens of exactly the query's instances once each, and fails an ended one with the engine's reason", async () => {
    // Prepare: 4 instances wait at the timer; an ended one is listed; another process is left alone.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-modify');
    const instances = await operaton.startInstances('c7-e2e-modify', 5);
    const ended = instances[4];
    await operaton.call('DELETE', `/process-instance/${ended}`);
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-modify-other');
    const [other] = await operaton.startInstances('c7-e2e-modify-other', 1);

    // Act and assess: counted on the service
    await batchWithOneFailure(
      '/v2/process-instances/modification',
      {
        filter: { processDefinitionKey: 'c7-e2e-modify' },
        processInstanceKeys: [ended],
        moveInstructions: [{ sourceElementId: 'wait', targetElementId: 'review' }],
      },
      { total: 5, failed: ended, message: `Process instance with id ${ended} does not exist` },
    );

    // Assess: one token each, at the target.
    const tokens = async (id: string) =>
      (
        await operaton.call<{ childActivityInstances: { activityId: string }[] }>(
          'GET',
          `/process-instance/${id}/activity-instances`,
        )
      ).childActivityInstances.map((child) => child.activityId);
    for (const id of instances.slice(0, 4)) expect(await tokens(id)).toEqual(['review']);
    expect(await tokens(other)).toEqual(['wait']);
  });

  it("restarts exactly the query's finished instances once each, and fails a running one with the engine's reason", async () => {
    // Prepare: 4 finished (canceled) instances match the historic query; a running one is listed.
    const definition = await operaton.deploy('c7-review.bpmn', 'c7-e2e-restart-history');
    const instances = await operaton.startInstances('c7-e2e-restart-history', 5);
    const finished = instances.slice(0, 4);
    for (const id of finished) await operaton.call('DELETE', `/process-instance/${id}`);
    const runningOne = instances[4];

    // Act and assess: counted on the service
    await batchWithOneFailure(
      '/v2/extensions/process-instances/restart',
      {
        filter: { processDefinitionKey: 'c7-e2e-restart-history', finished: true },
        processInstanceKeys: [runningOne],
        startInstructions: [{ elementId: 'wait' }],
      },
      {
        total: 5,
        failed: runningOne,
        message: `ENGINE-13040 Historic process instance '${runningOne}' cannot be restarted. It is not completed or terminated.`,
      },
    );

    // Assess: one new instance per finished one, none for the running one.
    const restarted = await operaton.call<{ restartedProcessInstanceId: string | null }[]>(
      'POST',
      '/history/process-instance',
      { processDefinitionId: definition.id, active: true },
    );
    expect(restarted.map((entry) => entry.restartedProcessInstanceId ?? 'not restarted').sort()).toEqual(
      [...finished, 'not restarted'].sort(),
    );
  });
});

describe("the engine's records through the service's read routes, on a Camunda 7 engine", () => {
  it("answers definition, XML, instance, incident and job reads with numeric keys that a strict Camunda 8 client takes, the engine's ids beside them", async () => {
    // Prepare: an incident on the first instance.
    const definition = await operaton.deploy('c7-review.bpmn', 'c7-e2e-reads');
    const instances = await operaton.startInstances('c7-e2e-reads', 2);
    await operaton.createIncident(instances[0], 'wait', 'the reviewer is away');
    const strict = strictCamundaClient(runtime.url);

    // Act: each read through the strict client (it throws on a key that breaks Camunda's pattern),
    // and the same answer as it is on the wire.
    const definitions = await strict.searchProcessDefinitions(
      { filter: { processDefinitionId: 'c7-e2e-reads' } },
      NOW,
    );
    const definitionKey = definitions.items[0].processDefinitionKey;
    await strict.getProcessDefinition({ processDefinitionKey: definitionKey }, NOW);
    await strict.searchIncidents({ filter: { processDefinitionId: 'c7-e2e-reads' } }, NOW);
    await strict.searchJobs({ filter: { processDefinitionId: 'c7-e2e-reads' } }, NOW);
    const search = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'c7-e2e-reads', state: 'ACTIVE' },
    });
    await strict.searchProcessInstances(
      { filter: { processDefinitionId: 'c7-e2e-reads', state: 'ACTIVE' } },
      NOW,
    );
    const first = search.body.items.find(
      (instance: { processInstanceEngineId: string }) => instance.processInstanceEngineId === instances[0],
    );
    await strict.getProcessInstance({ processInstanceKey: first.processInstanceKey }, NOW);
    const byKey = await api.get(`/v2/process-instances/${first.processInstanceKey}`);
    const byId = await api.get(`/v2/process-instances/${instances[0]}`);
    const unknown = await api.get('/v2/process-instances/4026742180350563191');
    const xml = await fetch(`${runtime.url}/v2/process-definitions/${definitionKey}/xml`, {
      headers: { authorization: DEMO_CREDENTIALS },
    });
    const incidents = await api.post('/v2/incidents/search', {
      filter: { processInstanceKey: instances[0] },
    });

    // Assess
    expect(definitions.items[0]).toMatchObject({ processDefinitionId: 'c7-e2e-reads' });
    expect(definitionKey).toMatch(CAMUNDA_KEY_PATTERN);
    expect(xml.status).toBe(200);
    expect(await xml.text()).toContain('<bpmn:process id="c7-e2e-reads"');
    expect(
      search.body.items.map(
        (instance: { processInstanceEngineId: string }) => instance.processInstanceEngineId,
      ),
    ).toEqual([...instances].sort());
    expect(first).toMatchObject({
      processInstanceKey: expect.stringMatching(CAMUNDA_KEY_PATTERN),
      processDefinitionKey: definitionKey,
      processDefinitionEngineId: definition.id,
      state: 'ACTIVE',
    });
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual(first);
    expect(byId.body).toEqual(first);
    expect(unknown.status).toBe(404);
    expect(incidents.body.items).toEqual([
      expect.objectContaining({
        incidentKey: expect.stringMatching(CAMUNDA_KEY_PATTERN),
        processInstanceKey: first.processInstanceKey,
        processInstanceEngineId: instances[0],
        errorMessage: 'the reviewer is away',
      }),
    ]);
  });
});

describe("one instance's reads and variables through the service's routes, on a Camunda 7 engine", () => {
  it('serves activity counts, the call hierarchy and variables that a strict Camunda 8 client takes, and answers 501 for sequence flows', async () => {
    // Prepare: one instance waiting at its timer, with a variable.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-variables');
    const [instance] = await operaton.startInstances('c7-e2e-variables', 1, { order: 'A-1' });
    const strict = strictCamundaClient(runtime.url);
    const processInstanceKey = (await api.get(`/v2/process-instances/${instance}`)).body.processInstanceKey;

    // Act
    const statistics = await strict.getProcessInstanceStatistics({ processInstanceKey }, NOW);
    const hierarchy = await strict.getProcessInstanceCallHierarchy({ processInstanceKey }, NOW);
    const variables = await strict.searchVariables({ filter: { processInstanceKey } }, NOW);
    const variable = await strict.getVariable({ variableKey: variables.items[0].variableKey }, NOW);
    const flows = await api.get(`/v2/process-instances/${processInstanceKey}/sequence-flows`);

    // Assess
    expect(statistics.items).toEqual([
      { elementId: 'start', active: 0, canceled: 0, incidents: 0, completed: 1 },
      { elementId: 'wait', active: 1, canceled: 0, incidents: 0, completed: 0 },
    ]);
    expect(hierarchy).toEqual([]);
    expect(variables.items).toEqual([
      expect.objectContaining({ name: 'order', value: '"A-1"', isTruncated: false, processInstanceKey }),
    ]);
    expect(variable).toMatchObject({ name: 'order', value: '"A-1"', processInstanceKey });
    expect((await api.get('/v2/variables/4026742180350563191')).status).toBe(404);
    expect((await api.get('/v2/process-instances/4026742180350563191/call-hierarchy')).status).toBe(404);
    expect(flows.status).toBe(501);
    expect(flows.body).toMatchObject({ title: 'NOT_SUPPORTED_BY_ENGINE' });
    expect(flows.body.detail).toContain('ENGINE=camunda7');
  });
});

describe('the CLI on a Camunda 7 engine', () => {
  it("creates a batch from a Camunda 7 query and an engine id, counted by the engine's counts", async () => {
    // Prepare: 3 instances match the query; one of another process is listed.
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-cli');
    await operaton.deploy('c7-review.bpmn', 'c7-e2e-cli-other');
    const matching = await operaton.startInstances('c7-e2e-cli', 3);
    const [other] = await operaton.startInstances('c7-e2e-cli-other', 1);
    const args = [
      'create',
      'suspend',
      '--filter',
      JSON.stringify({ processDefinitionKey: 'c7-e2e-cli' }),
    ].concat(['--instance', other]);

    // Act: a dry run, then the batch, followed to its end.
    const dryRun = await runBatchopsInProcess([...args, '--dry-run', '--json'], {
      BATCHOPS_URL: runtime.url,
    });
    const created = await runBatchopsInProcess([...args, '--yes', '--watch', '--interval', '200', '--json'], {
      BATCHOPS_URL: runtime.url,
    });

    // Assess
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.json()).toMatchObject({ countedBy: 'dry-run', total: 4 });
    expect(created.code, created.stderr).toBe(0);
    const suspended = await operaton.call<{ id: string }[]>('POST', '/process-instance', { suspended: true });
    expect(
      suspended
        .map((instance) => instance.id)
        .filter((id) => [...matching, other].includes(id))
        .sort(),
    ).toEqual([...matching, other].sort());
  });
});
