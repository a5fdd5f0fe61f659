import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import { StepFunctionsBatchWorkflow } from '#adapters/sfn/batch-workflow.ts';
import { dynamoDocumentClient } from '#commons/clients.ts';
import { LOCAL_STATE_MACHINE_ARN } from '../../local/step-functions-emulator.ts';
import { apiClient, inParallel } from '../helpers/api-client.ts';
import { ISO_DATE_TIME } from '../helpers/dates.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The walking skeleton end to end, through HTTP only, on the embedded runtime: deploy, start 250
 * instances across two definitions and two tenants, cancel one definition's instances by filter.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '4', CHUNK_SIZE: '10' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

type Instance = {
  processInstanceKey: string;
  state: string;
  endDate?: string;
  tenantId: string;
  processDefinitionKey: string;
};

async function allInstances(): Promise<Instance[]> {
  const found: Instance[] = [];
  let after: string | undefined;
  do {
    const { body } = await api.post('/v2/process-instances/search', {
      page: { limit: 100, ...(after ? { after } : {}) },
    });
    found.push(...body.items);
    after = body.items.length > 0 ? body.page.endCursor : undefined;
  } while (after);
  return found;
}

describe('cancel process instances by filter', () => {
  // 250 instances created over HTTP, a 100-item batch in chunks of 10 over 4 shards (several chunks a
  // shard) and a full search in pages: past the default 60 s on a busy 2-core machine, so its own deadline.
  it('cancels exactly the matching instances and completes the batch with exact counts', {
    timeout: 240_000,
  }, async () => {
    // Prepare: order in two tenants, invoice in one; 250 instances in all.
    const orderA = await api.deploy(['e2e-order.bpmn'], 'tenant-a');
    const orderB = await api.deploy(['e2e-order.bpmn'], 'tenant-b');
    const invoiceA = await api.deploy(['e2e-invoice.bpmn'], 'tenant-a');
    expect([orderA.status, orderB.status, invoiceA.status]).toEqual([200, 200, 200]);
    const targetKey = orderA.body.deployments[0].processDefinition.processDefinitionKey as string;
    const plan = [
      ...Array.from({ length: 100 }, () => ({ processDefinitionId: 'e2e-order', tenantId: 'tenant-a' })),
      ...Array.from({ length: 75 }, () => ({ processDefinitionId: 'e2e-order', tenantId: 'tenant-b' })),
      ...Array.from({ length: 75 }, () => ({ processDefinitionId: 'e2e-invoice', tenantId: 'tenant-a' })),
    ];
    const created = await inParallel(plan.length, 25, async (index) => {
      const { status, body } = await api.post('/v2/process-instances', {
        ...plan[index],
        variables: { index },
      });
      expect(status).toBe(200);
      return body as Instance;
    });
    const targets = new Set(
      created
        .filter((instance) => instance.processDefinitionKey === targetKey)
        .map((i) => i.processInstanceKey),
    );
    expect(targets.size).toBe(100);

    // Act
    const creation = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionKey: targetKey },
    });
    expect(creation.status).toBe(200);
    expect(creation.body.batchOperationType).toBe('CANCEL_PROCESS_INSTANCE');
    const batch = await api.finalBatch(creation.body.batchOperationKey);

    // Assess: the batch
    expect(batch).toMatchObject({
      batchOperationKey: creation.body.batchOperationKey,
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      state: 'COMPLETED',
      operationsTotalCount: 100,
      operationsCompletedCount: 100,
      operationsFailedCount: 0,
      errors: [],
    });
    expect(Date.parse(batch.endDate ?? '')).toBeGreaterThanOrEqual(Date.parse(batch.startDate));
    // Assess: every instance
    const instances = await allInstances();
    expect(instances).toHaveLength(250);
    for (const instance of instances) {
      if (targets.has(instance.processInstanceKey)) {
        expect(instance.state).toBe('TERMINATED');
        expect(instance.endDate).toMatch(ISO_DATE_TIME);
      } else {
        expect(instance.state).toBe('ACTIVE');
        expect(instance.endDate).toBeNull();
      }
    }
    // Assess: every item
    const items = await api.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey: creation.body.batchOperationKey },
      page: { limit: 1000 },
    });
    expect(items.body.page.totalItems).toBe(100);
    expect(new Set(items.body.items.map((item: { itemKey: string }) => item.itemKey))).toEqual(targets);
    for (const item of items.body.items) {
      expect(item).toMatchObject({ state: 'COMPLETED', operationType: 'CANCEL_PROCESS_INSTANCE' });
      expect(item.processInstanceKey).toBe(item.itemKey);
      expect(item.processedDate).toMatch(ISO_DATE_TIME);
    }
    // Assess: the metric records the handlers emitted (EMF), as the embedded /metrics shows them.
    const metrics = await (await fetch(`${runtime.url}/metrics`)).text();
    const type = 'operation_type="CANCEL_PROCESS_INSTANCE"';
    expect(metrics).toContain(`batch_operations_batches_created_total{service="batch-operations",${type}} 1`);
    expect(metrics).toContain(`batch_operations_items_found_total{service="batch-operations",${type}} 100`);
    expect(metrics).toContain(`batch_operations_query_retries_total{service="batch-operations",${type}} 0`);
    expect(metrics).toContain(
      `batch_operations_items_processed_total{service="batch-operations",${type}} 100`,
    );
    expect(metrics).toContain(`batch_operations_items_failed_total{service="batch-operations",${type}} 0`);
    expect(metrics).toContain(
      `batch_operations_batches_finished_total{service="batch-operations",${type},final_state="COMPLETED"} 1`,
    );
    const chunkCount = Number(
      /batch_operations_chunk_duration_milliseconds_count\{[^}]*\} (\d+)/.exec(metrics)?.[1],
    );
    expect(chunkCount).toBeGreaterThanOrEqual(100 / 10);
  });

  it('completes a batch whose filter matches nothing with a total of 0', async () => {
    const creation = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'no-such-process' },
    });
    const batch = await api.finalBatch(creation.body.batchOperationKey);
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 0,
      operationsCompletedCount: 0,
      operationsFailedCount: 0,
    });
  });

  it('rejects an empty filter with a 400 problem detail', async () => {
    const { status, contentType, body } = await api.post('/v2/process-instances/cancellation', {
      filter: {},
    });
    expect(status).toBe(400);
    expect(contentType).toContain('application/problem+json');
    expect(body).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
    expect(body.detail).toContain('filter must not be empty');
  });

  it('rejects an unknown filter field naming it', async () => {
    const { status, body } = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionIdd: 'x' },
    });
    expect(status).toBe(400);
    expect(body.detail).toContain('filter.processDefinitionIdd');
  });

  it('ends a batch whose workflow step fails as FAILED with the reason, instead of leaving it ACTIVE', async () => {
    // Prepare: a batch stored with a filter no shard can evaluate (as if written by an older version).
    const batches = new DynamoBatchStore(dynamoDocumentClient(), 'Batches');
    const batchOperationKey = '2251799813999001';
    await batches.createBatch({
      batchOperationKey,
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      state: 'CREATED',
      filter: { retired: 'field' },
      shardCount: 4,
      startDate: new Date().toISOString(),
      claims: {},
    });
    // Act: start its execution through the Step Functions API, as the creation endpoint does.
    await new StepFunctionsBatchWorkflow(new SFNClient({}), LOCAL_STATE_MACHINE_ARN).start(batchOperationKey);
    const batch = await api.finalBatch(batchOperationKey);
    // Assess
    expect(batch.state).toBe('FAILED');
    expect(batch.endDate).toMatch(ISO_DATE_TIME);
    expect(batch.errors).toEqual([
      expect.objectContaining({
        type: 'UNKNOWN',
        message: expect.stringContaining('filter.retired is not a supported filter field'),
      }),
    ]);
  });

  it('answers 404 for an unknown batch key', async () => {
    const { status, body } = await api.get('/v2/batch-operations/2251799813999999');
    expect(status).toBe(404);
    expect(body).toMatchObject({ title: 'NOT_FOUND', status: 404 });
  });
});
