import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEngineBudget } from '#adapters/dynamodb/engine-budget.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

/**
 * The shared budget on DynamoDB Local, driven by simulated workers on a virtual clock: each worker
 * leases as soon as its last lease is due, as a chunk's lanes do, so what it is granted over a span is
 * what it would send. No time passes for real: the figures do not depend on the machine's speed.
 */
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(() => dynamo?.stop());

interface Worker {
  batchOperationKey: string;
  priority: number;
  itemsPerSecond?: number;
  /** Virtual time (ms) at which it asks for its next lease. */
  at: number;
  /** Items it was granted that start within the measured span. */
  started: number;
}

/**
 * Runs the workers for `spanMs` of virtual time from their start, each leasing `count` items whenever
 * its last lease is due. The tests share the budget record, so each runs in a later span than the last.
 */
async function run(budget: DynamoEngineBudget, workers: Worker[], spanMs: number, count = 25) {
  const end = workers[0].at + spanMs;
  for (;;) {
    const next = workers.reduce((earliest, worker) => (worker.at < earliest.at ? worker : earliest));
    if (next.at >= end) return;
    const lease = await budget.lease({ ...next, count, now: next.at });
    const startsAt = next.at + lease.waitMs;
    if (startsAt < end) next.started += count;
    next.at = startsAt;
  }
}

let spanStart = 0;
const workersOf = (batchOperationKey: string, priority: number, shards: number, itemsPerSecond?: number) =>
  Array.from({ length: shards }, () => ({
    batchOperationKey,
    priority,
    itemsPerSecond,
    at: spanStart,
    started: 0,
  }));
const startedBy = (workers: Worker[], key: string) =>
  workers
    .filter((worker) => worker.batchOperationKey === key)
    .reduce((sum, worker) => sum + worker.started, 0);

describe('the engine budget shared by priority', () => {
  it('keeps two batches of every shard within the budget, shared in proportion to their priorities', async () => {
    const budget = new DynamoEngineBudget(dynamo.db, 'Batches', 400);
    const workers = [...workersOf('high', 30, 4), ...workersOf('low', 10, 4)];
    await run(budget, workers, 20_000);
    const [high, low] = [startedBy(workers, 'high'), startedBy(workers, 'low')];
    // 400 items/s for 20 s, split 3:1 (plus at most one lease per worker granted at the start).
    expect(high + low).toBeLessThanOrEqual(400 * 20 + 8 * 25);
    expect(high + low).toBeGreaterThanOrEqual(400 * 20 * 0.9);
    expect(high / (high + low)).toBeCloseTo(0.75, 1);
  });

  it("leaves what a batch's own rate does not use to the other batch", async () => {
    const budget = new DynamoEngineBudget(dynamo.db, 'Batches', 400);
    spanStart = 100_000;
    const workers = [...workersOf('capped', 90, 2, 40), ...workersOf('open', 10, 2)];
    await run(budget, workers, 20_000);
    expect(startedBy(workers, 'capped') / 20).toBeLessThanOrEqual(40 + 5);
    expect(startedBy(workers, 'open') / 20).toBeGreaterThanOrEqual(360 * 0.9);
  });
});
