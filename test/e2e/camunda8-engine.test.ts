import { ProcessDefinitionKey, ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { camunda8EngineFromEnvironment } from '#adapters/camunda8/camunda8-engine.ts';
import { dynamoDocumentClient } from '#commons/clients.ts';
import { services } from '#commons/services.ts';
import { createBatch } from '#domain/creation/create-batch.ts';
import { EngineUnavailableError } from '#domain/errors.ts';
import { runBatchopsInProcess } from '../cli/run-batchops.ts';
import { apiClient, DEMO_CREDENTIALS } from '../helpers/api-client.ts';
import { bpmnFile, strictCamundaClient } from '../helpers/camunda-sdk.ts';
import { Camunda8Target, seedInstances } from '../helpers/camunda8-target.ts';
import {
  type DynamoFaults,
  firstChunkRecordingLost,
  injectDynamoFaults,
} from '../helpers/dynamodb-faults.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The service driving a Camunda 8 cluster (ENGINE=camunda8): a second embedded runtime in a child
 * process is the cluster, serving the Camunda 8 /v2 wire; the service under test runs in this process
 * and reaches it only through the official client. Batches are created, followed and read on the
 * service; what they did is read back on the cluster.
 */
const NOW = { consistency: { waitUpToMs: 0 } };
let target: Camunda8Target;
let seeder: ReturnType<Camunda8Target['seeder']>;
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let faults: DynamoFaults;

beforeAll(async () => {
  // The cluster first: it inherits this process's environment, which the service then changes.
  target = await Camunda8Target.start();
  seeder = target.seeder();
  runtime = await startRuntime({
    port: 0,
    config: { ENGINE: 'camunda8', ...target.basicEnvironment(), CHUNK_SIZE: '5' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  faults = injectDynamoFaults(dynamoDocumentClient());
});
afterEach(() => faults?.use(undefined));
afterAll(async () => {
  await runtime?.stop();
  await target?.dispose();
});

async function stateOnCluster(key: string): Promise<string> {
  const instance = await seeder.getProcessInstance(
    { processInstanceKey: ProcessInstanceKey.assumeExists(key) },
    NOW,
  );
  return instance.state;
}

async function itemsOf(batchOperationKey: string) {
  const { body } = await api.post('/v2/batch-operation-items/search', {
    filter: { batchOperationKey },
    page: { limit: 100 },
  });
  return body.items as { processInstanceKey: string; state: string; errorMessage: string | null }[];
}

describe('a cancellation batch on a Camunda 8 cluster', () => {
  it("cancels exactly the matching instances on the cluster, once each, and fails a finished one with the cluster's reason", async () => {
    // Prepare: 12 instances match, 3 of another process do not; one match is canceled beforehand.
    const matching = await seedInstances(seeder, 'c8-service-cancel', 12);
    const others = await seedInstances(seeder, 'c8-service-other', 3);
    await seeder.cancelProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(matching[0]) });

    // Act
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'c8-service-cancel' },
    });
    expect(created.status).toBe(200);
    const batch = await api.finalBatch(created.body.batchOperationKey);

    // Assess: counted on the service, done on the cluster.
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 12,
      operationsCompletedCount: 11,
      operationsFailedCount: 1,
    });
    const items = await itemsOf(created.body.batchOperationKey);
    expect(items.map((item) => item.processInstanceKey).sort()).toEqual([...matching].sort());
    const failed = items.filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => item.processInstanceKey)).toEqual([matching[0]]);
    // The cluster's own problem detail (here the built-in runtime's, which a Camunda 8 cluster words alike).
    expect(failed[0].errorMessage).toContain(`process instance with key '${matching[0]}'`);
    expect(failed[0].errorMessage).toContain('TERMINATED');
    expect(await Promise.all(matching.map(stateOnCluster))).toEqual(matching.map(() => 'TERMINATED'));
    expect(await Promise.all(others.map(stateOnCluster))).toEqual(others.map(() => 'ACTIVE'));
    // The cluster's search is read once for the batch: one shard holds every item.
    const stored = await services().batches.getBatch(created.body.batchOperationKey);
    expect(stored?.shards.map((shard) => shard.totalCount)).toEqual([12]);
  });

  it('counts a chunk redelivered after its calls were sent once, and fails no item for being done already', async () => {
    // Prepare: the worker's first recording of a chunk of this batch fails after every item was sent
    // to the cluster, so the chunk comes again and finds its instances TERMINATED.
    const matching = await seedInstances(seeder, 'c8-service-redelivery', 10);
    const recordingLost = firstChunkRecordingLost(services().config.BATCH_ITEMS_TABLE);
    faults.use(recordingLost.rule);

    // Act
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'c8-service-redelivery' },
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
    const items = await itemsOf(created.body.batchOperationKey);
    expect(items.map((item) => item.state)).toEqual(matching.map(() => 'COMPLETED'));
    expect(await Promise.all(matching.map(stateOnCluster))).toEqual(matching.map(() => 'TERMINATED'));
  });

  it('refuses at creation a type the cluster cannot do per item, and stores no batch', async () => {
    const before = (await api.post('/v2/batch-operations/search', {})).body.page.totalItems;

    const refused = await api.post('/v2/extensions/process-instances/job-retries', {
      filter: { processDefinitionId: 'c8-service-cancel' },
      retries: 3,
    });

    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain(
      'The configured engine (camunda8) cannot run SET_JOB_RETRIES batches',
    );
    expect((await api.post('/v2/batch-operations/search', {})).body.page.totalItems).toBe(before);
  });

  it("answers the built-in engine's own commands (deployments, instance creation, job activation) with a problem naming the configured engine", async () => {
    for (const [path, body] of [
      ['/v2/deployments', {}],
      ['/v2/process-instances', { processDefinitionId: 'c8-service-cancel' }],
      ['/v2/jobs/activation', { type: 'x', maxJobsToActivate: 1, timeout: 1000 }],
    ] as const) {
      const response = await api.post(path, body);
      expect(response.status).toBe(501);
      expect(response.body).toMatchObject({ title: 'NOT_SUPPORTED_BY_ENGINE' });
      expect(response.body.detail).toContain('ENGINE=camunda8');
    }
  });
});

describe("the console's and the CLI's reads on a Camunda 8 cluster", () => {
  let instances: string[];
  let others: string[];
  let processDefinitionKey: string;
  let incidentInstance: string;

  beforeAll(async () => {
    // Three instances of c8-reads (one with an incident: its job failed without retries), two of c8-reads-other.
    instances = await seedInstances(seeder, 'c8-reads', 3);
    others = await seedInstances(seeder, 'c8-reads-other', 2);
    const [job] = (
      await seeder.activateJobs({
        type: 'c8-reads-job',
        maxJobsToActivate: 1,
        timeout: 60_000,
        worker: 'test',
      })
    ).jobs;
    await seeder.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'card declined' });
    incidentInstance = String(job.processInstanceKey);
    const { body } = await api.post('/v2/process-definitions/search', {
      filter: { processDefinitionId: 'c8-reads' },
    });
    processDefinitionKey = body.items[0].processDefinitionKey;
  });

  it("lists the cluster's process definitions and serves one with its BPMN", async () => {
    const found = await api.post('/v2/process-definitions/search', {
      filter: { processDefinitionId: { $like: 'c8-reads*' } },
      sort: [{ field: 'processDefinitionId', order: 'ASC' }],
    });
    expect(found.status).toBe(200);
    expect(found.body.items.map((item: { processDefinitionId: string }) => item.processDefinitionId)).toEqual(
      ['c8-reads', 'c8-reads-other'],
    );
    expect(found.body.page.totalItems).toBe(2);

    const one = await api.get(`/v2/process-definitions/${processDefinitionKey}`);
    expect(one.body).toMatchObject({ processDefinitionKey, processDefinitionId: 'c8-reads', version: 1 });
    const xml = await fetch(`${runtime.url}/v2/process-definitions/${processDefinitionKey}/xml`, {
      headers: { authorization: DEMO_CREDENTIALS },
    });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toContain('text/xml');
    expect(await xml.text()).toContain('<bpmn:process id="c8-reads"');
    expect((await api.get('/v2/process-definitions/9007199254740991')).status).toBe(404);
  });

  it("counts the definition's element instances for the diagram", async () => {
    const statistics = await api.post(
      `/v2/process-definitions/${processDefinitionKey}/statistics/element-instances`,
      { filter: { state: 'ACTIVE' } },
    );
    expect(statistics.status).toBe(200);
    expect(statistics.body.items).toEqual([
      { elementId: 'charge-card', active: 2, canceled: 0, incidents: 1, completed: 0 },
    ]);
  });

  it("searches the cluster's instances page by page with its cursors, and gets one", async () => {
    const request = { filter: { processDefinitionId: 'c8-reads' }, page: { limit: 2 } };
    const first = await api.post('/v2/process-instances/search', request);
    expect(first.status).toBe(200);
    expect(first.body.page.totalItems).toBe(3);
    const second = await api.post('/v2/process-instances/search', {
      ...request,
      page: { limit: 2, after: first.body.page.endCursor },
    });
    const keys = [...first.body.items, ...second.body.items].map(
      (item: { processInstanceKey: string }) => item.processInstanceKey,
    );
    expect(keys.sort()).toEqual([...instances].sort());

    const one = await api.get(`/v2/process-instances/${instances[1]}`);
    expect(one.body).toMatchObject({
      processInstanceKey: instances[1],
      processDefinitionId: 'c8-reads',
      state: 'ACTIVE',
    });
  });

  it("searches the cluster's incidents and jobs", async () => {
    const incidents = await api.post('/v2/incidents/search', {
      filter: { processDefinitionId: 'c8-reads', state: 'ACTIVE' },
    });
    expect(incidents.status).toBe(200);
    expect(incidents.body.items).toHaveLength(1);
    expect(incidents.body.items[0]).toMatchObject({
      processInstanceKey: incidentInstance,
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'card declined',
    });
    const incidentKey = incidents.body.items[0].incidentKey;
    expect((await api.get(`/v2/incidents/${incidentKey}`)).body).toMatchObject({
      incidentKey,
      state: 'ACTIVE',
    });
    const ofInstance = await api.post(`/v2/process-instances/${incidentInstance}/incidents/search`, {});
    expect(ofInstance.body.items.map((item: { incidentKey: string }) => item.incidentKey)).toEqual([
      incidentKey,
    ]);

    const jobs = await api.post('/v2/jobs/search', { filter: { type: 'c8-reads-job' } });
    expect(jobs.status).toBe(200);
    expect(jobs.body.page.totalItems).toBe(3);
    expect(
      jobs.body.items.map((job: { processInstanceKey: string }) => job.processInstanceKey).sort(),
    ).toEqual([...instances].sort());
  });

  it("counts the cluster's instances for the CLI's dry run", async () => {
    const run = await runBatchopsInProcess(
      ['create', 'cancel', '--definition', 'c8-reads', '--dry-run', '--json'],
      { BATCHOPS_URL: runtime.url },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({ countedBy: 'dry-run', total: 3 });
    expect([...result.sampleProcessInstanceKeys].sort()).toEqual([...instances].sort());
  });

  it("serves an instance's element statistics, taken sequence flows and call hierarchy from the cluster", async () => {
    // The official client with strict response validation, pointed at the service (not the cluster).
    const sdk = strictCamundaClient(runtime.url);
    const processInstanceKey = ProcessInstanceKey.assumeExists(incidentInstance);
    expect(await sdk.getProcessInstanceStatistics({ processInstanceKey }, NOW)).toEqual({
      items: [{ elementId: 'charge-card', active: 0, canceled: 0, incidents: 1, completed: 0 }],
    });
    const flows = await sdk.getProcessInstanceSequenceFlows({ processInstanceKey }, NOW);
    expect(flows.items).toEqual([
      {
        sequenceFlowId: 'p1',
        processInstanceKey: incidentInstance,
        rootProcessInstanceKey: null,
        processDefinitionKey,
        processDefinitionId: 'c8-reads',
        elementId: 'p1',
        tenantId: '<default>',
      },
    ]);
    expect(await sdk.getProcessInstanceCallHierarchy({ processInstanceKey }, NOW)).toEqual([]);
    // What the cluster itself answers, passed through.
    expect(await sdk.getProcessInstanceSequenceFlows({ processInstanceKey }, NOW)).toEqual(
      await seeder.getProcessInstanceSequenceFlows({ processInstanceKey }, NOW),
    );
    for (const path of ['statistics/element-instances', 'sequence-flows', 'call-hierarchy']) {
      expect((await api.get(`/v2/process-instances/2251799813999999/${path}`)).status).toBe(404);
      expect((await api.get(`/v2/process-instances/abc/${path}`)).status).toBe(404);
    }
  });

  it("searches the cluster's variables and reads one whole by its key", async () => {
    const sdk = strictCamundaClient(runtime.url);
    const created = await seeder.createProcessInstance({
      processDefinitionKey: ProcessDefinitionKey.assumeExists(processDefinitionKey),
      variables: { order: 'A-1', note: 'x'.repeat(9000) },
    });
    const processInstanceKey = String(created.processInstanceKey);
    const found = await sdk.searchVariables(
      { filter: { processInstanceKey }, sort: [{ field: 'name', order: 'ASC' }] } as never,
      NOW,
    );
    expect(found.page.totalItems).toBe(2);
    expect(found.items.map(({ name, isTruncated }) => ({ name, isTruncated }))).toEqual([
      { name: 'note', isTruncated: true },
      { name: 'order', isTruncated: false },
    ]);
    expect(found.items[1]).toMatchObject({
      value: '"A-1"',
      processInstanceKey,
      scopeKey: processInstanceKey,
    });
    const whole = await api.post('/v2/variables/search?truncateValues=false', {
      filter: { processInstanceKey, name: 'note' },
    });
    expect(whole.body.items[0]).toMatchObject({ value: `"${'x'.repeat(9000)}"`, isTruncated: false });

    const variableKey = found.items[0].variableKey;
    const one = await sdk.getVariable({ variableKey }, NOW);
    expect(one).toMatchObject({ name: 'note', value: `"${'x'.repeat(9000)}"`, processInstanceKey });
    expect((await api.get('/v2/variables/2251799813999999')).status).toBe(404);
    expect((await api.get('/v2/variables/not-a-key')).status).toBe(404);
  });

  it('shows a restricted caller only the instances it may read, in the page and the total', async () => {
    const granted = await api.post('/v2/authorizations', {
      ownerId: 'c8-reader',
      ownerType: 'USER',
      resourceType: 'PROCESS_DEFINITION',
      resourceId: 'c8-reads-other',
      permissionTypes: ['READ_PROCESS_INSTANCE'],
    });
    expect(granted.status).toBe(201);
    const token = await api.post('/v2/extensions/auth/token', { claims: { sub: 'c8-reader' } });
    const reader = apiClient(runtime.url, `Bearer ${token.body.access_token}`);

    const found = await reader.post('/v2/process-instances/search', {});
    expect(found.body.page.totalItems).toBe(2);
    expect(
      found.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey).sort(),
    ).toEqual([...others].sort());
    expect((await reader.get(`/v2/process-instances/${instances[0]}`)).status).toBe(404);
    expect(
      (await reader.post('/v2/jobs/search', { filter: { type: 'c8-reads-job' } })).body.page.totalItems,
    ).toBe(0);
    expect((await reader.post('/v2/process-definitions/search', {})).body.page.totalItems).toBe(0);

    // Variables carry no definition on Camunda 8: a restricted caller names the instances, checked against its scope.
    const variables = async (processInstanceKey: string) => {
      const { body } = await reader.post('/v2/variables/search', { filter: { processInstanceKey } });
      return body;
    };
    expect((await variables(instances[0])).page.totalItems).toBe(0);
    const otherDefinition = (
      await api.post('/v2/process-definitions/search', { filter: { processDefinitionId: 'c8-reads-other' } })
    ).body.items[0].processDefinitionKey;
    const mine = await seeder.createProcessInstance({
      processDefinitionKey: ProcessDefinitionKey.assumeExists(otherDefinition),
      variables: { mine: true },
    });
    const own = await variables(String(mine.processInstanceKey));
    expect(own.items.map((item: { name: string; value: string }) => [item.name, item.value])).toEqual([
      ['mine', 'true'],
    ]);
    const refused = await reader.post('/v2/variables/search', {});
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('filter.processInstanceKey');
    const seeded = await seeder.createProcessInstance({
      processDefinitionKey: ProcessDefinitionKey.assumeExists(processDefinitionKey),
      variables: { secret: 1 },
    });
    const [secret] = (
      await api.post('/v2/variables/search', {
        filter: { processInstanceKey: String(seeded.processInstanceKey) },
      })
    ).body.items;
    expect(secret).toMatchObject({ name: 'secret', value: '1' });
    expect((await api.get(`/v2/variables/${secret.variableKey}`)).status).toBe(200);
    expect((await reader.get(`/v2/variables/${secret.variableKey}`)).status).toBe(404);
    expect(
      (await reader.get(`/v2/process-instances/${seeded.processInstanceKey}/call-hierarchy`)).status,
    ).toBe(404);
  });
});

describe('deletion, migration and modification per item on a Camunda 8 cluster', () => {
  async function deploy(fixture: string, renames: Record<string, string>): Promise<string> {
    const deployment = await seeder.createDeployment({ resources: [bpmnFile(fixture, renames)] });
    return String(deployment.processes[0].processDefinitionKey);
  }
  const definitionIdOnCluster = async (key: string) =>
    (await seeder.getProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(key) }, NOW))
      .processDefinitionId;

  it("deletes the finished instances' history on the cluster, and fails a running one with the cluster's reason", async () => {
    // Prepare: four instances, three of them ended (canceled) on the cluster.
    const keys = await seedInstances(seeder, 'c8-delete', 4);
    for (const key of keys.slice(0, 3))
      await seeder.cancelProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(key) });

    // Act
    const created = await api.post('/v2/process-instances/deletion', {
      filter: { processDefinitionId: 'c8-delete' },
    });
    const batch = await api.finalBatch(created.body.batchOperationKey);

    // Assess
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 4,
      operationsCompletedCount: 3,
      operationsFailedCount: 1,
    });
    const failed = (await itemsOf(created.body.batchOperationKey)).filter((item) => item.state === 'FAILED');
    expect(failed.map((item) => item.processInstanceKey)).toEqual([keys[3]]);
    expect(failed[0].errorMessage).toContain('cancel it first');
    for (const key of keys.slice(0, 3))
      await expect(stateOnCluster(key)).rejects.toMatchObject({ status: 404 });
    expect(await stateOnCluster(keys[3])).toBe('ACTIVE');
  });

  it("migrates the matching instances to another definition of the cluster, checked against the cluster's definitions", async () => {
    const keys = await seedInstances(seeder, 'c8-migrate-from', 3);
    const target = await deploy('e2e-payment.bpmn', { 'e2e-payment': 'c8-migrate-to' });
    const migrationPlan = {
      targetProcessDefinitionKey: target,
      mappingInstructions: [{ sourceElementId: 'charge-card', targetElementId: 'charge-card' }],
    };
    // A plan naming an element the cluster's target lacks is refused at creation, from its BPMN.
    const refused = await api.post('/v2/process-instances/migration', {
      filter: { processDefinitionId: 'c8-migrate-from' },
      migrationPlan: {
        ...migrationPlan,
        mappingInstructions: [{ sourceElementId: 'charge-card', targetElementId: 'no-such-task' }],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain("target element 'no-such-task' does not exist");

    const created = await api.post('/v2/process-instances/migration', {
      filter: { processDefinitionId: 'c8-migrate-from' },
      migrationPlan,
    });
    expect(created.status).toBe(200);

    expect(await api.finalBatch(created.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 3,
      operationsCompletedCount: 3,
      operationsFailedCount: 0,
    });
    expect(await Promise.all(keys.map(definitionIdOnCluster))).toEqual(keys.map(() => 'c8-migrate-to'));
  });

  it('moves the tokens of the matching instances on the cluster', async () => {
    const definition = await deploy('e2e-order.bpmn', { 'e2e-order': 'c8-modify' });
    const keys: string[] = [];
    for (let n = 0; n < 3; n++) {
      const created = await seeder.createProcessInstance({
        processDefinitionKey: ProcessDefinitionKey.assumeExists(definition),
      });
      keys.push(String(created.processInstanceKey));
    }

    const created = await api.post('/v2/process-instances/modification', {
      filter: { processDefinitionId: 'c8-modify' },
      moveInstructions: [{ sourceElementId: 'check-stock', targetElementId: 'ship' }],
    });
    expect(created.status).toBe(200);

    expect(await api.finalBatch(created.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 3,
      operationsCompletedCount: 3,
      operationsFailedCount: 0,
    });
    // Every token now waits at `ship` (the element statistics of the definition on the cluster).
    const statistics = await seeder.getProcessDefinitionStatistics(
      { processDefinitionKey: ProcessDefinitionKey.assumeExists(definition) },
      NOW,
    );
    expect(statistics.items.filter((element) => element.active > 0)).toEqual([
      expect.objectContaining({ elementId: 'ship', active: keys.length }),
    ]);
  });

  it('refuses suspension and resumption at creation, with the reason, and stores no batch', async () => {
    const before = (await api.post('/v2/batch-operations/search', {})).body.page.totalItems;
    for (const operation of ['suspension', 'resumption']) {
      const refused = await api.post(`/v2/process-instances/${operation}`, {
        filter: { processDefinitionId: 'c8-delete' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(
        /official Camunda client .* has no per-instance (suspension|resumption)/,
      );
    }
    expect((await api.post('/v2/batch-operations/search', {})).body.page.totalItems).toBe(before);
  });
});

describe('wrong credentials for the cluster', () => {
  it('refuse a batch at creation with the engine named, and store nothing', async () => {
    const { batches, keys, workflow, config } = services();
    const wrong = camunda8EngineFromEnvironment(target.basicEnvironment('not-the-password'), {
      retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1, backoffFactor: 2 },
      concurrency: 1,
    });
    const before = (await api.post('/v2/batch-operations/search', {})).body.page.totalItems;

    const creation = createBatch(
      {
        batches,
        keys,
        workflow,
        engine: wrong,
        shardCount: config.SHARD_COUNT,
        chunkSize: 5,
        now: () => new Date(),
      },
      {
        batchOperationType: 'CANCEL_PROCESS_INSTANCE',
        items: { filter: { processDefinitionId: 'x' } },
        claims: {},
      },
    );

    await expect(creation).rejects.toThrow(EngineUnavailableError);
    await expect(creation).rejects.toThrow(/refused this service/);
    expect((await api.post('/v2/batch-operations/search', {})).body.page.totalItems).toBe(before);
  });
});
