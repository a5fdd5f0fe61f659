import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '#commons/services.ts';
import { shardOf } from '#domain/keys.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { createThresholdBatch, MIN_PROCESSED_ITEMS, thresholdBound } from '../helpers/failure-threshold.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * What a reader sees while a paced batch runs its long chunks: counts that move as items complete
 * (not once per chunk), a failure threshold that stops the batch soon after it is crossed (not when
 * a chunk ends), and in the end every item counted exactly once.
 */
const SHARDS = 2;
// Each shard's items fit one chunk: before, nothing moved until a whole chunk was done.
const CHUNK_SIZE = 100;
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let nextSequence = 60_000;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: String(SHARDS), CHUNK_SIZE: String(CHUNK_SIZE) },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
}, 120_000);
afterAll(() => runtime?.stop());

/** Active instances of a definition of their own, straight into the store. */
async function seed(count: number) {
  const processDefinitionId = `progress-${nextSequence}`;
  await services().instances.putInstances(
    Array.from({ length: count }, () => processInstance(nextSequence++, { processDefinitionId })),
  );
  return processDefinitionId;
}

interface Item {
  state: string;
  processInstanceKey: string;
  processedDate: string | null;
}

/** The batch's items in the search's default order: shard, chunk, position (the order a shard applies them). */
async function itemsOf(batchOperationKey: string): Promise<Item[]> {
  const items: Item[] = [];
  let after: string | undefined;
  do {
    const { body } = await api.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey },
      page: { limit: 1000, ...(after ? { after } : {}) },
    });
    items.push(...body.items);
    after = body.items.length > 0 ? (body.page.endCursor ?? undefined) : undefined;
  } while (after);
  return items;
}

const itemStates = async (batchOperationKey: string) =>
  (await itemsOf(batchOperationKey)).map((item) => item.state);

/** Polls the batch until `until` holds for its body. */
const batchWhen = (
  key: string,
  until: (body: { state: string; operationsCompletedCount: number }) => boolean,
) =>
  eventually(
    async () => {
      const { body } = await api.get(`/v2/batch-operations/${key}`);
      return until(body) ? body : undefined;
    },
    () => `batch ${key} never reached the expected point`,
    60_000,
  );

describe('a paced batch', { timeout: 180_000 }, () => {
  it('shows its counts moving while its chunks run, and in the end counts every item once', async () => {
    // Prepare: 200 items at 10 items/s, 100 per shard in one chunk each: 20 s a chunk.
    const processDefinitionId = await seed(200);
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 10,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey as string;

    // Act: read the batch as a client polls it, until it shows items done inside a running chunk.
    const midChunk = await eventually(
      async () => {
        const { body } = await api.get(`/v2/batch-operations/${key}`);
        // A shard's first chunk holds CHUNK_SIZE items (or all of a smaller shard's): fewer than that
        // done, and some, is a count from inside the chunk.
        const inside = body.shards.some(
          (shard: { operationsTotalCount: number; operationsCompletedCount: number }) =>
            shard.operationsCompletedCount > 0 &&
            shard.operationsCompletedCount < Math.min(CHUNK_SIZE, shard.operationsTotalCount),
        );
        return body.state === 'ACTIVE' && inside ? body : undefined;
      },
      () => `batch ${key} showed no count inside a chunk`,
      60_000,
    );
    expect(await api.post(`/v2/batch-operations/${key}/cancellation`, {})).toMatchObject({ status: 204 });
    const ended = await api.finalBatch(key);

    // Assess: the rate limit is in the answer; the final counts are the items' states, each once.
    expect(midChunk.itemsPerSecond).toBe(10);
    expect(ended.state).toBe('CANCELED');
    const states = await itemStates(key);
    expect(states).toHaveLength(200);
    expect(states.filter((state) => state === 'COMPLETED').length).toBe(ended.operationsCompletedCount);
    expect(ended.operationsCompletedCount).toBeGreaterThanOrEqual(
      midChunk.operationsCompletedCount + midChunk.operationsFailedCount,
    );
    expect(states.filter((state) => state === 'CANCELED').length).toBe(200 - ended.operationsCompletedCount);
    const shardsProcessed = ended.shards.reduce(
      (sum: number, shard: { operationsCompletedCount: number }) => sum + shard.operationsCompletedCount,
      0,
    );
    expect(shardsProcessed).toBe(ended.operationsCompletedCount);
  });

  it('stops soon after its failure threshold is crossed, inside the chunks and across shards', async () => {
    // Prepare: 2 shards of 200 items, each in chunks of 100.
    const processDefinitionId = await seed(400);

    // Act
    const key = await createThresholdBatch(api, processDefinitionId);
    const ended = await api.finalBatch(key);

    // Assess: within the bound docs/limits.md states (before, it was checked when a chunk ended).
    expect(ended.state).toBe('FAILED');
    const processed = ended.operationsCompletedCount + ended.operationsFailedCount;
    expect(processed).toBeGreaterThanOrEqual(MIN_PROCESSED_ITEMS);
    expect(processed).toBeLessThanOrEqual(thresholdBound(SHARDS));
    const states = await itemStates(key);
    expect(states.filter((state) => state === 'FAILED').length).toBe(ended.operationsFailedCount);
    expect(states.filter((state) => state === 'CANCELED').length).toBe(400 - processed);
  });
});

describe("a paced batch's items", { timeout: 180_000 }, () => {
  it('are dated when each was applied, also those a suspension held and its cancellation accounted for', async () => {
    // Prepare: 60 items at 6 items/s, 3 a second on each shard, in one chunk per shard.
    const processDefinitionId = await seed(60);
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 6,
    });
    const key = created.body.batchOperationKey as string;

    // Act: suspended mid-chunk, then canceled (the chunk is accounted for, not run again).
    const before = await batchWhen(
      key,
      (body) => body.state === 'ACTIVE' && body.operationsCompletedCount >= 6,
    );
    expect((await api.post(`/v2/batch-operations/${key}/suspension`, {})).status).toBe(204);
    const suspended = await batchWhen(key, (body) => body.state === 'SUSPENDED');
    const heldItems = await itemsOf(key);
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`, {})).status).toBe(204);
    const ended = await api.finalBatch(key);
    const terminated = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId, state: 'TERMINATED' },
      page: { limit: 100 },
    });
    const endDates = new Map<string, number>(
      terminated.body.items.map((instance: { processInstanceKey: string; endDate: string }) => [
        instance.processInstanceKey,
        Date.parse(instance.endDate),
      ]),
    );

    // Assess: each applied item dated after the engine changed its instance and before the batch
    // was canceled, within the batch's run, and each shard's dates spread as it applied them (before,
    // they all took the moment the cancellation accounted for them). Exact dates: the worker's tests.
    expect(ended.state).toBe('CANCELED');
    const applied = (await itemsOf(key)).filter((item) => item.state === 'COMPLETED');
    expect(applied.length).toBe(ended.operationsCompletedCount);
    expect(applied.length).toBeGreaterThanOrEqual(before.operationsCompletedCount);
    expect(endDates.size).toBe(applied.length);
    // While suspended, the counts and the items said the same, and no count went back.
    expect(suspended.operationsCompletedCount).toBeGreaterThanOrEqual(before.operationsCompletedCount);
    expect(heldItems.filter((item) => item.state === 'COMPLETED').length).toBe(
      suspended.operationsCompletedCount,
    );
    for (const item of applied) {
      const processedAt = Date.parse(item.processedDate ?? '');
      expect(processedAt).toBeGreaterThanOrEqual(endDates.get(item.processInstanceKey) ?? Number.NaN);
      expect(processedAt).toBeLessThan(Date.parse(ended.cancelRequestedAt));
      expect(processedAt).toBeGreaterThanOrEqual(Date.parse(ended.startDate));
      expect(processedAt).toBeLessThanOrEqual(Date.parse(ended.endDate ?? ''));
    }
    for (const shard of [0, 1]) {
      const dates = applied
        .filter((item) => shardOf(item.processInstanceKey, SHARDS) === shard)
        .map((item) => item.processedDate);
      // Paced a third of a second apart on each shard.
      expect(new Set(dates).size).toBeGreaterThan(dates.length / 2);
    }
  });
});
