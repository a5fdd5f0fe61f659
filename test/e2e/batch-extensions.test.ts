import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import { dynamoDocumentClient } from '#commons/clients.ts';
import { apiClient, DEMO_CREDENTIALS, inParallel } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * The extensions end to end over HTTP on the embedded runtime: a dry run, then the real batch with
 * the same request, then the batch's completion report streamed by the embedded server.
 */
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
const INSTANCES = 100;
/** Every other instance has `even: true`; the $like keeps the planner off the definition index. */
const filter = {
  processDefinitionId: { $like: 'e2e-ord*' },
  variables: [{ name: 'even', value: 'true' }],
};

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '4', CHUNK_SIZE: '15', QUERY_PAGE_SIZE: '20' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  expect((await api.deploy(['e2e-order.bpmn'])).status).toBe(200);
  await inParallel(INSTANCES, 20, async (index) => {
    const { status } = await api.post('/v2/process-instances', {
      processDefinitionId: 'e2e-order',
      variables: { even: index % 2 === 0, index },
    });
    expect(status).toBe(200);
  });
});
afterAll(() => runtime?.stop());

async function batchRecordCount(): Promise<number> {
  const { Count } = await dynamoDocumentClient().send(
    new ScanCommand({ TableName: 'Batches', Select: 'COUNT', ConsistentRead: true }),
  );
  return Count ?? 0;
}

describe('dry run, batch and report', () => {
  let batchOperationKey: string;

  it('counts per shard exactly what the batch created from the same request then initializes, creating nothing', async () => {
    // Prepare: a batch before the dry run shows which key the next batch gets.
    const before = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'no-such-process' },
    });
    await api.finalBatch(before.body.batchOperationKey);
    const recordsBefore = await batchRecordCount();

    // Act
    const dryRun = await api.post('/v2/extensions/process-instances/cancellation/dry-run', { filter });
    const recordsAfterDryRun = await batchRecordCount();
    const creation = await api.post('/v2/process-instances/cancellation', { filter });
    batchOperationKey = creation.body.batchOperationKey;
    const batch = await api.finalBatch(batchOperationKey);

    // Assess: the dry run
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.total).toBe(INSTANCES / 2);
    expect(dryRun.body.sampleProcessInstanceKeys).toHaveLength(10);
    // Assess: it created nothing, and took no key (the next batch got the very next one)
    expect(recordsAfterDryRun).toBe(recordsBefore);
    expect(BigInt(batchOperationKey)).toBe(BigInt(before.body.batchOperationKey) + 1n);
    // Assess: the batch's shards fixed the dry run's counts
    const stored = await new DynamoBatchStore(dynamoDocumentClient(), 'Batches').getBatch(batchOperationKey);
    expect(stored?.shards.map(({ shard, totalCount }) => ({ shard, count: totalCount }))).toEqual(
      dryRun.body.shards,
    );
    expect(batch).toMatchObject({ state: 'COMPLETED', operationsTotalCount: dryRun.body.total });
  });

  it('streams the finished batch report over HTTP, agreeing with the batch item search', async () => {
    // Act
    const csv = await fetch(`${runtime.url}/v2/extensions/batch-operations/${batchOperationKey}/report`, {
      headers: { authorization: DEMO_CREDENTIALS, accept: 'text/csv' },
    });
    const csvText = await csv.text();
    const jsonl = await fetch(
      `${runtime.url}/v2/extensions/batch-operations/${batchOperationKey}/report?format=jsonl`,
      { headers: { authorization: DEMO_CREDENTIALS } },
    );
    const rows = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const items = await api.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey },
      page: { limit: 1000 },
    });

    // Assess
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers.get('transfer-encoding')).toBe('chunked');
    const records = csvText.split('\r\n');
    expect(records[0]).toBe('batchOperationKey,itemKey,processInstanceKey,state,processedDate,errorMessage');
    expect(records.slice(1, -1)).toHaveLength(INSTANCES / 2);
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson');
    expect(rows.map((row) => row.itemKey)).toEqual(
      items.body.items.map((item: { itemKey: string }) => item.itemKey),
    );
    for (const row of rows) {
      expect(row).toMatchObject({ batchOperationKey, state: 'COMPLETED', errorMessage: null });
      expect(Date.parse(row.processedDate)).not.toBeNaN();
    }
  });

  it('answers the report of an unknown batch with a 404 problem detail', async () => {
    // Act
    const { status, contentType, body } = await api.get(
      '/v2/extensions/batch-operations/2251799813999999/report',
    );

    // Assess
    expect(status).toBe(404);
    expect(contentType).toBe('application/problem+json');
    expect(body).toMatchObject({ title: 'NOT_FOUND', status: 404 });
  });
});
