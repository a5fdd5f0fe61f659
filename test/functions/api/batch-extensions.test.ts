import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import type { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import type { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import type { HttpEvent, HttpResult } from '#commons/http.ts';
import { isStreamed, type StreamedResult } from '#commons/streaming.ts';
import type { Chunk, ItemOutcome } from '#domain/batch/chunk.ts';
import { initializeShard } from '#domain/initialization/initialize-shard.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { httpEvent } from '../../helpers/http-events.ts';
import { processInstance } from '../../helpers/process-instances.ts';

/**
 * The extension routes (dry run, completion report) invoked as Lambda handlers against DynamoDB
 * Local. Small query pages make initialization and the dry run read many pages per shard.
 */
const SHARDS = 3;
type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult | StreamedResult>;
let dynamo: TestDynamo;
let dryRun: Handler;
let report: Handler;
let limits: Handler;
let batches: DynamoBatchStore;
let chunks: DynamoChunkStore;
let instances: DynamoProcessInstanceStore;
let engine: typeof import('#commons/services.ts').engine;
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  Object.assign(process.env, { SHARD_COUNT: String(SHARDS), QUERY_PAGE_SIZE: '7' });
  const load = async (name: string) =>
    ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;
  dryRun = await load('dry-run-batch');
  report = await load('get-batch-operation-report');
  limits = await load('get-limits');
  const wiring = await import('#commons/services.ts');
  ({ batches, chunks, instances } = wiring.services());
  engine = wiring.engine;
  // 120 instances: 3 definitions, every fourth one completed, variables to filter on.
  await instances.putInstances(
    Array.from({ length: 120 }, (_, index) =>
      processInstance(100 + index, {
        processDefinitionId: ['order-process', 'invoice-process', 'ship-process'][index % 3],
        state: index % 4 === 0 ? 'COMPLETED' : 'ACTIVE',
        variables: { region: JSON.stringify(index % 2 === 0 ? 'EU' : 'US') },
      }),
    ),
  );
});
afterAll(() => dynamo.stop());

async function call(
  handler: Handler,
  request: Parameters<typeof httpEvent>[0],
  query?: Record<string, string>,
) {
  const result = await handler({ ...httpEvent(request), queryStringParameters: query }, context);
  let text = '';
  if (isStreamed(result)) for await (const piece of result.body) text += piece;
  else text = result.body ?? '';
  return { status: result.statusCode, headers: result.headers ?? {}, text, streamed: isStreamed(result) };
}

const dryRunRequest = (body: unknown, operation = 'cancellation') =>
  call(dryRun, {
    method: 'POST',
    path: `/v2/extensions/process-instances/${operation}/dry-run`,
    pathParameters: { operation },
    body,
  });

/** What a dry run must leave alone: the batch and chunk records, and the key counter. */
async function writtenState() {
  const scan = (TableName: string) => dynamo.db.send(new ScanCommand({ TableName, ConsistentRead: true }));
  const [batchRecords, chunkRecords, keyCounter] = await Promise.all(
    ['Batches', 'BatchItems', 'KeySequences'].map(scan),
  );
  return { batches: batchRecords.Count, chunks: chunkRecords.Count, keyCounter: keyCounter.Items };
}

let nextBatch = 5_000;

/** Initialization of a real batch over the same selection: the per-shard totals it fixes. */
async function initializedTotals(selection: { filter?: unknown; processInstanceKeys?: string[] }) {
  const batchOperationKey = keyFromSequence(nextBatch++);
  await batches.createBatch({
    batchOperationKey,
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    state: 'CREATED',
    ...selection,
    shardCount: SHARDS,
    startDate: new Date().toISOString(),
    claims: {},
  });
  for (let shard = 0; shard < SHARDS; shard++) {
    await initializeShard({ engine: engine(), batches, chunks, chunkSize: 10 }, { batchOperationKey, shard });
  }
  return (await batches.getBatch(batchOperationKey))?.shards.map((shard) => shard.totalCount) ?? [];
}

/** Every item key initialization wrote for a batch over the selection, in chunk order. */
async function initializedItemKeys(selection: { filter?: unknown; processInstanceKeys?: string[] }) {
  const key = keyFromSequence(nextBatch);
  await initializedTotals(selection);
  const keys: string[] = [];
  for await (const chunk of chunks.read({ batchOperationKey: key }))
    keys.push(...chunk.items.map((item) => item.processInstanceKey));
  return keys;
}

describe('POST /v2/extensions/process-instances/{operation}/dry-run', () => {
  it.each([
    ['a definition id (its per-shard index)', { processDefinitionId: 'order-process', state: 'ACTIVE' }],
    [
      'alternatives and variables (the per-shard key index)',
      {
        $or: [{ processDefinitionId: { $like: 'inv*' } }, { variables: [{ name: 'region', value: '"EU"' }] }],
      },
    ],
    [
      'instance keys (key lookups)',
      { processInstanceKey: { $in: [keyFromSequence(100), keyFromSequence(101), keyFromSequence(999)] } },
    ],
  ])('counts per shard exactly what initialization of the batch finds, for %s', async (_, filter) => {
    // Act
    const { status, text } = await dryRunRequest({ filter });
    const totals = await initializedTotals({ filter });

    // Assess
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.shards).toEqual(totals.map((count, shard) => ({ shard, count })));
    expect(body.total).toBe(totals.reduce((sum, count) => sum + count, 0));
    expect(body.total).toBeGreaterThan(0);
  });

  it.each([
    [
      'listed keys, one of them unknown',
      { processInstanceKeys: [keyFromSequence(100), keyFromSequence(999)] },
    ],
    [
      'listed keys in union with a filter they partly overlap',
      {
        filter: { processDefinitionId: 'order-process' },
        processInstanceKeys: [keyFromSequence(100), keyFromSequence(101), keyFromSequence(101)],
      },
    ],
  ])('counts per shard exactly what initialization of the batch finds, for %s', async (_, selection) => {
    // Act
    const { status, text } = await dryRunRequest(selection);
    const totals = await initializedTotals(selection);

    // Assess
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.shards).toEqual(totals.map((count, shard) => ({ shard, count })));
    expect(body.total).toBe(totals.reduce((sum, count) => sum + count, 0));
  });

  it('makes each instance one item: the union of the listed keys and the matches, unknown keys included', async () => {
    // Prepare: sequence 100 is an order-process instance (listed and matched), 101 is not matched, 999 does not exist.
    const listed = [keyFromSequence(100), keyFromSequence(101), keyFromSequence(999)];

    // Act
    const keys = await initializedItemKeys({
      filter: { processDefinitionId: 'order-process' },
      processInstanceKeys: listed,
    });

    // Assess: 40 order-process instances, plus 101 and the unknown 999, each once.
    expect(keys).toHaveLength(42);
    expect(new Set(keys).size).toBe(42);
    expect(keys).toEqual(expect.arrayContaining(listed));
  });

  it('samples the first ten matching keys in key order', async () => {
    // Prepare: order-process instances are every third, from sequence 100.
    const expected = Array.from({ length: 10 }, (_, index) => keyFromSequence(100 + index * 3));

    // Act
    const { text } = await dryRunRequest({ filter: { processDefinitionId: 'order-process' } });

    // Assess
    expect(JSON.parse(text)).toMatchObject({
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      total: 40,
      sampleProcessInstanceKeys: expected,
    });
  });

  it('creates no batch, no chunk and allocates no key', async () => {
    // Prepare
    const before = await writtenState();

    // Act
    const { status } = await dryRunRequest({ filter: { state: 'ACTIVE' } });

    // Assess
    expect(status).toBe(200);
    expect(await writtenState()).toEqual(before);
  });

  it.each([
    ['neither a filter nor keys', {}, 'filter or processInstanceKeys is required'],
    ['an empty key list', { processInstanceKeys: [] }, 'processInstanceKeys must not be empty'],
    [
      'keys that are not keys, by value',
      { processInstanceKeys: ['12', 'abc', '-1'] },
      "invalid: 'abc', '-1'",
    ],
    [
      'more keys than the maximum, saying the maximum',
      { processInstanceKeys: Array.from({ length: 1001 }, (_, index) => keyFromSequence(index)) },
      'lists 1001 keys, more than the maximum of 1000',
    ],
    ['keys that are not strings', { processInstanceKeys: [12] }, 'processInstanceKeys.0'],
    ['an empty filter', { filter: {} }, 'filter must not be empty'],
    [
      'an unknown filter field, by its path',
      { filter: { processDefinitionIdd: 'x' } },
      'filter.processDefinitionIdd',
    ],
    [
      'a wrong operand, by its path',
      { filter: { processDefinitionVersion: { $gt: 'x' } } },
      'filter.processDefinitionVersion.$gt',
    ],
    ['an unknown body field', { filter: { state: 'ACTIVE' }, dryRun: true }, 'dryRun'],
  ])('rejects %s with the creation request 400 problem detail', async (_, body, detail) => {
    // Act
    const { status, headers, text } = await dryRunRequest(body);

    // Assess
    expect(status).toBe(400);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(text)).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
    expect(JSON.parse(text).detail).toContain(detail);
  });
});

describe('dry runs of the other operations', () => {
  it.each([
    ['incident-resolution', {}, 'RESOLVE_INCIDENT'],
    ['deletion', {}, 'DELETE_PROCESS_INSTANCE'],
    ['job-retries', { retries: 3 }, 'SET_JOB_RETRIES'],
    ['restart', { startInstructions: [{ elementId: 'task' }] }, 'RESTART_PROCESS_INSTANCE'],
  ])(
    'counts the instances a %s batch would hold, as cancellation does',
    async (operation, parameters, type) => {
      // Act
      const filter = { processDefinitionId: 'order-process' };
      const { status, text } = await dryRunRequest({ filter, ...parameters }, operation);
      const totals = await initializedTotals({ filter });

      // Assess
      expect(status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({
        batchOperationType: type,
        total: totals.reduce((sum, count) => sum + count, 0),
        shards: totals.map((count, shard) => ({ shard, count })),
      });
    },
  );

  it("refuses what that operation's creation refuses: its own fields, checked the same way", async () => {
    // Act
    const missing = await dryRunRequest({ filter: { state: 'ACTIVE' } }, 'job-retries');
    const foreign = await dryRunRequest({ filter: { state: 'ACTIVE' }, retries: 3 }, 'deletion');

    // Assess
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).detail).toContain('retries');
    expect(foreign.status).toBe(400);
    expect(JSON.parse(foreign.text).detail).toContain('retries');
  });

  it('answers an operation that does not exist with a 404 naming the ones that do', async () => {
    // Act
    const { status, text } = await dryRunRequest({ filter: { state: 'ACTIVE' } }, 'teleportation');

    // Assess
    expect(status).toBe(404);
    expect(JSON.parse(text)).toMatchObject({ title: 'NOT_FOUND', status: 404 });
    expect(JSON.parse(text).detail).toContain('cancellation, incident-resolution, deletion');
  });
});

describe('GET /v2/extensions/batch-operations/{batchOperationKey}/report', () => {
  const reportOf = (key: string, headers: Record<string, string> = {}, query?: Record<string, string>) =>
    call(report, { method: 'GET', path: `/v2/extensions/batch-operations/${key}/report`, headers }, query);

  /** A batch whose chunks hold `chunkCount` × `chunkSize` items with the given outcomes. */
  async function batchWithItems(
    chunkCount: number,
    chunkSize: number,
    outcome: (index: number) => Partial<ItemOutcome>,
  ) {
    const batchOperationKey = keyFromSequence(nextBatch++);
    await batches.createBatch({
      batchOperationKey,
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      state: 'CREATED',
      filter: { state: 'ACTIVE' },
      shardCount: SHARDS,
      startDate: new Date().toISOString(),
      claims: {},
    });
    const written: Chunk[] = Array.from({ length: chunkCount }, (_, chunk) => ({
      batchOperationKey,
      shard: chunk % SHARDS,
      chunk: Math.floor(chunk / SHARDS),
      state: 'DONE',
      items: Array.from({ length: chunkSize }, (_, offset) => {
        const index = chunk * chunkSize + offset;
        const key = keyFromSequence(1_000_000 + index);
        return { itemKey: key, processInstanceKey: key, state: 'COMPLETED', ...outcome(index) };
      }),
    }));
    for (let start = 0; start < written.length; start += 25)
      await chunks.putChunks(written.slice(start, start + 25));
    return batchOperationKey;
  }

  it('streams every item as CSV, with a header and properly escaped error messages', async () => {
    // Prepare
    const key = await batchWithItems(1, 3, (index) =>
      index === 1
        ? {
            state: 'FAILED',
            processedDate: '2026-01-01T00:00:00.000Z',
            errorMessage: 'was "COMPLETED", not ACTIVE\nsee log',
          }
        : { processedDate: '2026-01-01T00:00:00.000Z' },
    );
    const [a, b, c] = [0, 1, 2].map((index) => keyFromSequence(1_000_000 + index));

    // Act
    const response = await reportOf(key, { accept: 'text/csv' });

    // Assess
    expect(response.status).toBe(200);
    expect(response.streamed).toBe(true);
    expect(response.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="batch-operation-${key}.csv"`,
    });
    expect(response.text).toBe(
      [
        'batchOperationKey,itemKey,processInstanceKey,state,processedDate,errorMessage',
        `${key},${a},${a},COMPLETED,2026-01-01T00:00:00.000Z,`,
        `${key},${b},${b},FAILED,2026-01-01T00:00:00.000Z,"was ""COMPLETED"", not ACTIVE\nsee log"`,
        `${key},${c},${c},COMPLETED,2026-01-01T00:00:00.000Z,`,
        '',
      ].join('\r\n'),
    );
  });

  it('streams a batch larger than one store page, every item once, in shard and chunk order', async () => {
    // Prepare: 60 chunks of 100 items with long messages, about 2 MB of chunk records (DynamoDB pages hold 1 MB).
    const message = `Instance was not ACTIVE: ${'x'.repeat(200)}`;
    const key = await batchWithItems(60, 100, (index) =>
      index % 2 ? { state: 'FAILED', errorMessage: message } : {},
    );

    // Act
    const response = await reportOf(key, {}, { format: 'jsonl' });

    // Assess
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    const rows = response.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(6000);
    expect(new Set(rows.map((row) => row.itemKey)).size).toBe(6000);
    expect(rows.filter((row) => row.state === 'FAILED' && row.errorMessage === message)).toHaveLength(3000);
    // Chunks come per shard: shard 0 holds chunks 0, 3, 6, ... of the list above, so its first items lead.
    expect(rows[100].itemKey).toBe(keyFromSequence(1_000_000 + 300));
  });

  it.each([
    ['no Accept header', {}, undefined, 'text/csv; charset=utf-8; header=present'],
    ['Accept: application/jsonl', { accept: 'application/jsonl' }, undefined, 'application/jsonl'],
    ['Accept: application/x-ndjson', { accept: 'application/x-ndjson' }, undefined, 'application/x-ndjson'],
    [
      'format=csv over the Accept header',
      { accept: 'application/jsonl' },
      { format: 'csv' },
      'text/csv; charset=utf-8; header=present',
    ],
  ])('chooses the format by %s', async (_, headers, query, contentType) => {
    // Prepare
    const key = await batchWithItems(1, 1, () => ({}));

    // Act
    const response = await reportOf(key, headers, query);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(contentType);
  });

  it.each([
    [
      'an unknown format parameter',
      {},
      { format: 'xml' },
      400,
      'INVALID_ARGUMENT',
      "format must be one of csv, jsonl, got 'xml'",
    ],
    [
      'an Accept header without a report type',
      { accept: 'application/xml' },
      undefined,
      406,
      'NOT_ACCEPTABLE',
      'text/csv',
    ],
  ])('rejects %s with a problem detail', async (_, headers, query, status, title, detail) => {
    // Act
    const response = await reportOf('2251799813685248', headers, query);

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ status, title });
    expect(JSON.parse(response.text).detail).toContain(detail);
  });

  it('answers an unknown batch with a 404 problem detail, whatever the shape of its key', async () => {
    // Act
    const missing = await reportOf('2251799813999999');
    const malformed = await reportOf('abc');

    // Assess
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({
      title: 'NOT_FOUND',
      detail: "Batch operation with key '2251799813999999' not found",
      instance: '/v2/extensions/batch-operations/2251799813999999/report',
    });
    // Camunda's batch keys are strings (older batches have UUIDs): a key of another shape names no batch.
    expect(malformed.status).toBe(404);
    expect(JSON.parse(malformed.text)).toMatchObject({
      title: 'NOT_FOUND',
      detail: "Batch operation with key 'abc' not found",
    });
  });
});

describe('GET /v2/extensions/limits', () => {
  it("answers the lowest itemsPerSecond creation accepts, from the deployment's shard count and chunk size", async () => {
    // Act: 3 shards with the default chunk of 100 items, each within 60 s.
    const answer = await call(limits, { method: 'GET', path: '/v2/extensions/limits' });

    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      engine: 'builtin',
      shardCount: SHARDS,
      chunkSize: 100,
      itemsPerSecondMinimum: 5,
      maxPacedChunkSeconds: 60,
    });
  });
});
