import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import type { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import type { HttpEvent, HttpResult } from '#commons/http.ts';
import type { BatchOperation } from '#domain/batch/batch-operation.ts';
import type { ItemOutcome } from '#domain/batch/chunk.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { httpEvent } from '../../helpers/http-events.ts';

/**
 * Batch operation search and batch operation item search, invoked as Lambda handlers against
 * DynamoDB Local: Camunda's filters, sort fields, offset and cursor paging, and totals.
 */
type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
let dynamo: TestDynamo;
let searchBatches: Handler;
let searchItems: Handler;
let batches: DynamoBatchStore;
let chunks: DynamoChunkStore;
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;

const key = (n: number) => String(2251799813700000 + n);
const seeded: Pick<
  BatchOperation,
  'batchOperationKey' | 'batchOperationType' | 'state' | 'startDate' | 'endDate'
>[] = [
  {
    batchOperationKey: key(1),
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    state: 'COMPLETED',
    startDate: '2026-01-01T00:00:00.000Z',
    endDate: '2026-01-01T01:00:00.000Z',
  },
  {
    batchOperationKey: key(2),
    batchOperationType: 'RESOLVE_INCIDENT',
    state: 'ACTIVE',
    startDate: '2026-01-02T00:00:00.000Z',
  },
  {
    batchOperationKey: key(3),
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    state: 'FAILED',
    startDate: '2026-01-03T00:00:00.000Z',
    endDate: '2026-01-03T01:00:00.000Z',
  },
  {
    batchOperationKey: key(4),
    batchOperationType: 'MIGRATE_PROCESS_INSTANCE',
    state: 'SUSPENDED',
    startDate: '2026-01-04T00:00:00.000Z',
  },
  {
    batchOperationKey: key(5),
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    state: 'ACTIVE',
    startDate: '2026-01-05T00:00:00.000Z',
  },
];

const item = (n: number, state: ItemOutcome['state'], processedDate?: string, errorMessage?: string) => ({
  itemKey: key(100 + n),
  processInstanceKey: key(100 + n),
  state,
  ...(processedDate ? { processedDate } : {}),
  ...(errorMessage ? { errorMessage } : {}),
});

beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  const load = async (name: string) =>
    ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;
  searchBatches = await load('search-batch-operations');
  searchItems = await load('search-batch-operation-items');
  ({ batches, chunks } = (await import('#commons/services.ts')).services());
  for (const batch of seeded) {
    await batches.createBatch({ ...batch, filter: {}, shardCount: 2, claims: {} });
  }
  // Batch 1: two chunks on shard 0, one on shard 1; batch 3: one chunk.
  await chunks.putChunks([
    {
      batchOperationKey: key(1),
      shard: 0,
      chunk: 0,
      state: 'DONE',
      items: [
        item(1, 'COMPLETED', '2026-01-01T00:03:00.000Z'),
        item(2, 'FAILED', '2026-01-01T00:01:00.000Z', 'no'),
      ],
    },
    {
      batchOperationKey: key(1),
      shard: 0,
      chunk: 1,
      state: 'DONE',
      items: [item(3, 'COMPLETED', '2026-01-01T00:02:00.000Z')],
    },
    { batchOperationKey: key(1), shard: 1, chunk: 0, state: 'PENDING', items: [item(4, 'ACTIVE')] },
    {
      batchOperationKey: key(3),
      shard: 0,
      chunk: 0,
      state: 'DONE',
      items: [item(5, 'FAILED', '2026-01-03T00:01:00.000Z', 'gone')],
    },
  ]);
});
afterAll(() => dynamo.stop());

async function call(handler: Handler, path: string, body: unknown) {
  const result = await handler(httpEvent({ method: 'POST', path, body }), context);
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
}
const batchSearch = (body: unknown) => call(searchBatches, '/v2/batch-operations/search', body);
const itemSearch = (body: unknown) => call(searchItems, '/v2/batch-operation-items/search', body);
const keysOf = (response: { body: { items: { batchOperationKey: string }[] } }) =>
  response.body.items.map((batch) => batch.batchOperationKey);
const itemKeysOf = (response: { body: { items: { itemKey: string }[] } }) =>
  response.body.items.map((found) => found.itemKey);

describe('batch operation search', () => {
  it('lists every batch in key order with its counts, absent values null', async () => {
    const all = await batchSearch({});
    expect(all.status).toBe(200);
    expect(keysOf(all)).toEqual([key(1), key(2), key(3), key(4), key(5)]);
    expect(all.body.page).toMatchObject({ totalItems: 5, hasMoreTotalItems: false });
    expect(all.body.items[1]).toMatchObject({
      batchOperationKey: key(2),
      batchOperationType: 'RESOLVE_INCIDENT',
      state: 'ACTIVE',
      startDate: '2026-01-02T00:00:00.000Z',
      endDate: null,
      actorId: null,
      actorType: null,
      operationsTotalCount: 0,
      operationsCompletedCount: 0,
      operationsFailedCount: 0,
      errors: [],
    });
  });

  it('filters by state, operation type and key with Camunda operators', async () => {
    expect(keysOf(await batchSearch({ filter: { state: { $in: ['ACTIVE', 'SUSPENDED'] } } }))).toEqual([
      key(2),
      key(4),
      key(5),
    ]);
    expect(
      keysOf(
        await batchSearch({
          filter: { operationType: 'CANCEL_PROCESS_INSTANCE', state: { $neq: 'ACTIVE' } },
        }),
      ),
    ).toEqual([key(1), key(3)]);
    expect(keysOf(await batchSearch({ filter: { batchOperationKey: key(4) } }))).toEqual([key(4)]);
    expect(
      keysOf(await batchSearch({ filter: { batchOperationKey: { $notIn: [key(1), key(2)] } } })),
    ).toEqual([key(3), key(4), key(5)]);
    // A type Camunda has and this service never runs matches nothing.
    const none = await batchSearch({ filter: { operationType: 'ADD_VARIABLE' } });
    expect(none.body).toEqual({
      items: [],
      page: { totalItems: 0, hasMoreTotalItems: false, startCursor: null, endCursor: null },
    });
  });

  it('sorts by Camunda sort fields in either direction and either spelling', async () => {
    expect(keysOf(await batchSearch({ sort: [{ field: 'startDate', order: 'desc' }] }))).toEqual([
      key(5),
      key(4),
      key(3),
      key(2),
      key(1),
    ]);
    expect(
      keysOf(
        await batchSearch({
          sort: [
            { field: 'state', order: 'ASC' },
            { field: 'startDate', order: 'DESC' },
          ],
        }),
      ),
    ).toEqual([key(5), key(2), key(1), key(3), key(4)]);
    // Without an end date a batch sorts last ascending.
    expect(keysOf(await batchSearch({ sort: [{ field: 'endDate' }] }))).toEqual([
      key(1),
      key(3),
      key(2),
      key(4),
      key(5),
    ]);
  });

  it('pages with from and limit, forward with after and back with before, totals unchanged', async () => {
    const sort = [{ field: 'startDate', order: 'desc' }];
    const first = await batchSearch({ sort, page: { limit: 2 } });
    expect(keysOf(first)).toEqual([key(5), key(4)]);
    const second = await batchSearch({ sort, page: { limit: 2, after: first.body.page.endCursor } });
    expect(keysOf(second)).toEqual([key(3), key(2)]);
    expect(second.body.page.totalItems).toBe(5);
    const back = await batchSearch({ sort, page: { limit: 2, before: second.body.page.startCursor } });
    expect(keysOf(back)).toEqual([key(5), key(4)]);
    expect(keysOf(await batchSearch({ sort, page: { from: 3, limit: 5 } }))).toEqual([key(2), key(1)]);
  });

  it('rejects an unknown state, sort field or filter field with a 400 naming it', async () => {
    for (const [body, named] of [
      [{ filter: { state: 'DONE' } }, 'filter.state'],
      [{ sort: [{ field: 'operationsTotalCount' }] }, 'sort.0.field'],
      [{ filter: { owner: 'me' } }, 'owner'],
      [{ filter: { actorType: 'ROBOT' } }, 'filter.actorType'],
      [{ page: { after: 'not-a-cursor' } }, 'cursor'],
    ] as const) {
      const rejected = await batchSearch(body);
      expect(rejected.status).toBe(400);
      expect(rejected.body).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
      expect(rejected.body.detail).toContain(named);
    }
  });
});

describe('batch operation item search', () => {
  it("returns one batch's items in shard and chunk order, absent values null", async () => {
    const found = await itemSearch({ filter: { batchOperationKey: key(1) } });
    expect(itemKeysOf(found)).toEqual([key(101), key(102), key(103), key(104)]);
    expect(found.body.page.totalItems).toBe(4);
    expect(found.body.items[3]).toEqual({
      batchOperationKey: key(1),
      itemKey: key(104),
      processInstanceKey: key(104),
      rootProcessInstanceKey: null,
      state: 'ACTIVE',
      processedDate: null,
      errorMessage: null,
      operationType: 'CANCEL_PROCESS_INSTANCE',
    });
  });

  it('sorts the items of pinned batches by Camunda sort fields', async () => {
    const byDate = await itemSearch({
      filter: { batchOperationKey: { $in: [key(1), key(3)] } },
      sort: [{ field: 'processedDate', order: 'asc' }],
    });
    expect(itemKeysOf(byDate)).toEqual([key(102), key(103), key(101), key(105), key(104)]);
    const byState = await itemSearch({
      filter: { batchOperationKey: key(1) },
      sort: [
        { field: 'state', order: 'DESC' },
        { field: 'itemKey', order: 'DESC' },
      ],
    });
    expect(itemKeysOf(byState)).toEqual([key(102), key(103), key(101), key(104)]);
  });

  it('counts every match in totalItems on every page, and pages both ways with cursors', async () => {
    const filter = { batchOperationKey: key(1) };
    const first = await itemSearch({ filter, page: { limit: 3 } });
    const second = await itemSearch({ filter, page: { limit: 3, after: first.body.page.endCursor } });
    expect(itemKeysOf(second)).toEqual([key(104)]);
    expect(second.body.page.totalItems).toBe(4);
    const back = await itemSearch({ filter, page: { limit: 2, before: second.body.page.startCursor } });
    expect(itemKeysOf(back)).toEqual([key(102), key(103)]);
    const sorted = { filter, sort: [{ field: 'processedDate', order: 'desc' }], page: { limit: 2 } };
    const sortedFirst = await itemSearch(sorted);
    const sortedNext = await itemSearch({
      ...sorted,
      page: { limit: 2, after: sortedFirst.body.page.endCursor },
    });
    expect([...itemKeysOf(sortedFirst), ...itemKeysOf(sortedNext)]).toHaveLength(4);
    expect(new Set([...itemKeysOf(sortedFirst), ...itemKeysOf(sortedNext)]).size).toBe(4);
  });

  it('searches across batches by operation type and state in batch key order', async () => {
    const failed = await itemSearch({
      filter: { operationType: 'CANCEL_PROCESS_INSTANCE', state: 'FAILED' },
    });
    expect(itemKeysOf(failed)).toEqual([key(102), key(105)]);
    expect(failed.body.items.map((found: { errorMessage: string }) => found.errorMessage)).toEqual([
      'no',
      'gone',
    ]);
    expect(itemKeysOf(await itemSearch({ filter: { operationType: 'RESOLVE_INCIDENT' } }))).toEqual([]);
  });

  it('refuses to sort across all batches with a 400 saying what to pin', async () => {
    const refused = await itemSearch({ sort: [{ field: 'processedDate' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('filter.batchOperationKey');
  });
});

describe('batch operation item search in a batch beyond the total cap', () => {
  const big = key(6);
  const ITEMS = 12_000;
  const PER_CHUNK = 500;

  beforeAll(async () => {
    await batches.createBatch({
      batchOperationKey: big,
      batchOperationType: 'DELETE_PROCESS_INSTANCE',
      state: 'COMPLETED',
      startDate: '2026-01-06T00:00:00.000Z',
      filter: {},
      shardCount: 2,
      claims: {},
    });
    await chunks.putChunks(
      Array.from({ length: ITEMS / PER_CHUNK }, (_, chunkIndex) => ({
        batchOperationKey: big,
        shard: chunkIndex % 2,
        chunk: Math.floor(chunkIndex / 2),
        state: 'DONE' as const,
        items: Array.from({ length: PER_CHUNK }, (_, index) =>
          item(1000 + chunkIndex * PER_CHUNK + index, 'COMPLETED'),
        ),
      })),
    );
  });

  // The cursor lies two chunks beyond the point where the total passes the cap, so the search skips
  // to the cursor's chunk instead of reading the chunks in between.
  it('pages deep with the after cursor to the same items offset paging finds, the total capped', async () => {
    const filter = { batchOperationKey: big };
    const anchor = await itemSearch({ filter, page: { from: 11_199, limit: 1 } });
    const byOffset = await itemSearch({ filter, page: { from: 11_200, limit: 100 } });
    const byCursor = await itemSearch({ filter, page: { limit: 100, after: anchor.body.page.endCursor } });
    expect(byOffset.body.items).toHaveLength(100);
    expect(byCursor.body.items).toEqual(byOffset.body.items);
    expect(byCursor.body.page).toMatchObject({ totalItems: 10_000, hasMoreTotalItems: true });
    // Back from there: the 100 items before the page.
    const back = await itemSearch({ filter, page: { limit: 100, before: byCursor.body.page.startCursor } });
    const beforeByOffset = await itemSearch({ filter, page: { from: 11_100, limit: 100 } });
    expect(back.body.items).toEqual(beforeByOffset.body.items);
  });
});
