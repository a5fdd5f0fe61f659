import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, eventually } from '../helpers/api-client.ts';
import { bpmnFile, camundaClient88, strictCamundaClient } from '../helpers/camunda-sdk.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The service driven by Camunda's official TypeScript client, as a Camunda user drives a cluster:
 * the current client (9.x, Camunda 8.9 API) with `CAMUNDA_SDK_VALIDATION=res:strict`, which rejects
 * any response that deviates from Camunda's schema (an enum value, a pattern, a nullability), and the
 * 8.8 client as its users run it (validation off). Both run the same flows over every endpoint the
 * client covers.
 */
// biome-ignore lint/suspicious/noExplicitAny: the two client versions differ in signatures; the flows use their common calls
type Client = any;
/** Read now: the service is strongly consistent, so no client-side waiting for eventual consistency. */
const NOW = { consistency: { waitUpToMs: 0 } };

const clients: [string, (url: string) => Client, string][] = [
  ['9.1.5 with strict response validation', strictCamundaClient, 'sdk9'],
  ['8.8.4 without validation', camundaClient88, 'sdk88'],
];

/** Polls the batch through the client until it is in one of `states`. */
function batchIn(client: Client, batchOperationKey: string, states: string[]) {
  let last: unknown;
  return eventually(
    async () => {
      const batch = await client.getBatchOperation({ batchOperationKey }, NOW);
      last = batch;
      return states.includes(batch.state) ? batch : undefined;
    },
    () => `batch ${batchOperationKey} still ${JSON.stringify(last)}`,
  );
}

let runtime: EmbeddedRuntime;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, config: { SHARD_COUNT: '2', CHUNK_SIZE: '2' } });
});
afterAll(() => runtime?.stop());

describe.each(clients)('the official Camunda client %s', (_, makeClient, suffix) => {
  // Each client's own process and job type, so that the flows of one never see the other's.
  const processId = `e2e-payment-${suffix}`;
  const jobType = `e2e-charge-card-${suffix}`;
  let client: Client;
  let processDefinitionKey: string;
  const instanceKeys: string[] = [];

  beforeAll(() => {
    client = makeClient(runtime.url);
  });

  it('checks the connection: topology with the shards as partitions, and status', async () => {
    const topology = await client.getTopology();
    expect(topology.brokers[0].partitions).toHaveLength(2);
    expect(topology.partitionsCount).toBe(2);
    await client.getStatus();
  });

  it('deploys, creates, reads and searches process instances, paging with cursors', async () => {
    const deployment = await client.createDeployment({
      resources: [bpmnFile('e2e-payment.bpmn', { 'e2e-payment': processId, 'e2e-charge-card': jobType })],
    });
    processDefinitionKey = deployment.processes[0].processDefinitionKey;
    for (let order = 0; order < 6; order++) {
      const created = await client.createProcessInstance({ processDefinitionKey, variables: { order } });
      instanceKeys.push(created.processInstanceKey);
    }
    const read = await client.getProcessInstance({ processInstanceKey: instanceKeys[0] }, NOW);
    expect(read).toMatchObject({ state: 'ACTIVE', processDefinitionKey });
    const first = await client.searchProcessInstances(
      { filter: { processDefinitionKey }, sort: [{ field: 'startDate', order: 'DESC' }], page: { limit: 4 } },
      NOW,
    );
    expect(first.page.totalItems).toBe(6);
    const next = await client.searchProcessInstances(
      {
        filter: { processDefinitionKey },
        sort: [{ field: 'startDate', order: 'DESC' }],
        page: { limit: 4, after: first.page.endCursor },
      },
      NOW,
    );
    expect(next.items).toHaveLength(2);
    const definitions = await client.searchProcessDefinitions({ filter: { processDefinitionKey } }, NOW);
    expect(definitions.items).toHaveLength(1);
    await client.getProcessDefinition({ processDefinitionKey }, NOW);
  });

  it('activates, completes, fails and updates jobs, and searches and resolves incidents', async () => {
    const { jobs } = await client.activateJobs({
      type: jobType,
      maxJobsToActivate: 2,
      timeout: 60_000,
      worker: 'sdk',
    });
    expect(jobs).toHaveLength(2);
    const [completed, failed] = jobs;
    await client.completeJob({ jobKey: completed.jobKey, variables: { paid: true } });
    await client.failJob({ jobKey: failed.jobKey, retries: 0, errorMessage: 'card declined' });
    const incidents = await client.searchIncidents(
      { filter: { processInstanceKey: failed.processInstanceKey, state: 'ACTIVE' } },
      NOW,
    );
    expect(incidents.items).toHaveLength(1);
    await client.updateJob({ jobKey: failed.jobKey, changeset: { retries: 2 } });
    const found = await client.searchJobs(
      { filter: { processInstanceKey: failed.processInstanceKey, type: jobType } },
      NOW,
    );
    expect(
      found.items.map((job: Record<string, unknown>) => [job.jobKey, job.state, job.retries, job.worker]),
    ).toEqual([[failed.jobKey, 'FAILED', 2, 'sdk']]);
    const completedJobs = await client.searchJobs({ filter: { type: jobType, state: 'COMPLETED' } }, NOW);
    expect(completedJobs.items.map((job: Record<string, unknown>) => job.jobKey)).toEqual([completed.jobKey]);
    await client.resolveIncident({ incidentKey: incidents.items[0].incidentKey });
  });

  it('cancels one instance, which then reads TERMINATED', async () => {
    await client.cancelProcessInstance({ processInstanceKey: instanceKeys[5] });
    const canceled = await client.getProcessInstance({ processInstanceKey: instanceKeys[5] }, NOW);
    expect(canceled).toMatchObject({ state: 'TERMINATED', endDate: expect.any(String) });
    const terminated = await client.searchProcessInstances(
      { filter: { processDefinitionKey, state: 'TERMINATED' } },
      NOW,
    );
    expect(
      terminated.items.map((instance: { processInstanceKey: string }) => instance.processInstanceKey),
    ).toEqual([instanceKeys[5]]);
  });

  it('creates a cancellation batch, reads it, searches it and pages its items', async () => {
    const created = await client.cancelProcessInstancesBatchOperation(
      { filter: { processDefinitionKey, state: 'ACTIVE' } },
      NOW,
    );
    const batch = await batchIn(client, created.batchOperationKey, ['COMPLETED']);
    expect(batch).toMatchObject({ batchOperationType: 'CANCEL_PROCESS_INSTANCE', operationsTotalCount: 4 });
    const batches = await client.searchBatchOperations(
      {
        filter: { batchOperationKey: created.batchOperationKey },
        sort: [{ field: 'startDate', order: 'DESC' }],
      },
      NOW,
    );
    expect(batches.items).toHaveLength(1);
    const items = await client.searchBatchOperationItems(
      {
        filter: { batchOperationKey: created.batchOperationKey },
        sort: [{ field: 'processInstanceKey', order: 'ASC' }],
        page: { limit: 2 },
      },
      NOW,
    );
    expect(items.page.totalItems).toBe(4);
    const after = await client.searchBatchOperationItems(
      {
        filter: { batchOperationKey: created.batchOperationKey },
        sort: [{ field: 'processInstanceKey', order: 'ASC' }],
        page: { limit: 2, after: items.page.endCursor },
      },
      NOW,
    );
    expect(after.items).toHaveLength(2);
    const back = await client.searchBatchOperationItems(
      {
        filter: { batchOperationKey: created.batchOperationKey },
        sort: [{ field: 'processInstanceKey', order: 'ASC' }],
        page: { limit: 2, before: after.page.startCursor },
      },
      NOW,
    );
    expect(back.items).toEqual(items.items);
  });

  it('suspends, resumes and cancels a running batch', async () => {
    for (let order = 0; order < 4; order++) {
      await client.createProcessInstance({ processDefinitionKey, variables: { order } });
    }
    // Extension (not a client call): a slow rate keeps the batch running while it is controlled.
    const response = await fetch(`${runtime.url}/v2/process-instances/cancellation`, {
      method: 'POST',
      headers: { authorization: DEMO_CREDENTIALS, 'content-type': 'application/json' },
      // Extension fields on the batch (priority, current rate, estimated end) pass strict validation.
      body: JSON.stringify({
        filter: { processDefinitionKey, state: 'ACTIVE' },
        itemsPerSecond: 0.1,
        priority: 40,
      }),
    });
    const { batchOperationKey } = (await response.json()) as { batchOperationKey: string };
    expect((await client.getBatchOperation({ batchOperationKey }, NOW)).batchOperationKey).toBe(
      batchOperationKey,
    );
    await client.suspendBatchOperation({ batchOperationKey }, NOW);
    await client.resumeBatchOperation({ batchOperationKey }, NOW);
    await client.cancelBatchOperation({ batchOperationKey }, NOW);
    await batchIn(client, batchOperationKey, ['CANCELED']);
  });

  it('creates the other Camunda batches: incident resolution, migration, modification, deletion', async () => {
    for (let order = 0; order < 2; order++) {
      await client.createProcessInstance({ processDefinitionKey, variables: { order } });
    }
    const batches = [
      await client.resolveIncidentsBatchOperation(
        { filter: { processDefinitionKey, hasIncident: true } },
        NOW,
      ),
      await client.migrateProcessInstancesBatchOperation(
        {
          filter: { processDefinitionKey, state: 'ACTIVE' },
          migrationPlan: {
            targetProcessDefinitionKey: processDefinitionKey,
            mappingInstructions: [{ sourceElementId: 'charge-card', targetElementId: 'charge-card' }],
          },
        },
        NOW,
      ),
      await client.modifyProcessInstancesBatchOperation(
        {
          filter: { processDefinitionKey, state: 'ACTIVE' },
          moveInstructions: [{ sourceElementId: 'charge-card', targetElementId: 'charge-card' }],
        },
        NOW,
      ),
    ];
    // Deletion batches arrived with Camunda 8.9; the 8.8 client has no call for them.
    if (client.deleteProcessInstancesBatchOperation) {
      batches.push(
        await client.deleteProcessInstancesBatchOperation(
          { filter: { processDefinitionKey, state: 'TERMINATED' } },
          NOW,
        ),
      );
    }
    for (const { batchOperationKey } of batches) {
      await batchIn(client, batchOperationKey, ['COMPLETED', 'PARTIALLY_COMPLETED', 'FAILED']);
    }
  });
});
