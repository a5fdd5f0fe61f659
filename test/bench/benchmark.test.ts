import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BenchmarkResult, runBenchmark } from '../../bench/benchmark.ts';
import { codeVersion } from '../../bench/code-version.ts';

/**
 * The benchmark's smoke run at 400 instances: it completes and its counts and per-item request
 * ratios hold. Timing is not asserted (CI machines are noisy); `npm run bench` measures.
 */
const SHARDS = 4;
const INSTANCES = 400;
let result: BenchmarkResult;

describe('the benchmark at 400 instances', () => {
  it('cancels every seeded instance in one batch, and every baseline instance one call at a time', async () => {
    result = await runBenchmark({
      instances: INSTANCES,
      shards: SHARDS,
      operation: 'cancel',
      baseline: true,
      progressPollMs: 200,
    });
    expect(result.batch).toMatchObject({ state: 'COMPLETED', completed: INSTANCES, failed: 0 });
    expect(result.baseline).toMatchObject({ canceled: INSTANCES, refused: 0 });
    // Below the sample's cap the floor writes every instance the batch changed.
    expect([result.floor.batched.items, result.floor.single.items]).toEqual([INSTANCES, INSTANCES]);
    expect(result.floor.batched.itemsPerSecond).toBeGreaterThan(0);
    expect(result.floor.single.itemsPerSecond).toBeGreaterThan(0);
    expect(result.loadAverage.start).toBeGreaterThanOrEqual(0);
    // A first batch warms the emulator and the service before anything is measured.
    expect(result.warmUp.items).toBe(INSTANCES);
    expect(result.warmUp.durationMs).toBeGreaterThan(0);
    // The result names the code it measured: this checkout's commit (null outside a git checkout).
    // (Only the commit: other test files may touch the tree meanwhile.)
    expect(result.code?.commit).toBe(codeVersion(fileURLToPath(new URL('../..', import.meta.url)))?.commit);
  }, 600_000);

  it('costs one conditional write per item, 25 to a request, and records outcomes once per chunk', () => {
    const { byOperation, dynamoDbWriteUnitsPerItem } = result.batch.requests;
    // The worker's PartiQL batches: one request per 25 items of a chunk (a shard's last chunk may be short).
    const batches = byOperation['DynamoDB.BatchExecuteStatement'].requests;
    expect(batches).toBeGreaterThanOrEqual(INSTANCES / 25);
    expect(batches).toBeLessThanOrEqual(INSTANCES / 25 + result.batch.chunkMs.count);
    expect(byOperation['DynamoDB.BatchExecuteStatement'].writeUnits).toBeGreaterThanOrEqual(INSTANCES);
    // A state change writes no index: about one unit per item, bookkeeping per chunk on top.
    expect(dynamoDbWriteUnitsPerItem).toBeLessThanOrEqual(1.5);
    // Per chunk one transaction claims the shard and one records its items and moves the counters;
    // one more is the batch's creation.
    expect(byOperation['DynamoDB.TransactWriteItems'].requests).toBe(2 * result.batch.chunkMs.count + 1);
    // Chunk addresses go out ten to a message batch.
    expect(byOperation['SQS.SendMessageBatch'].requests).toBeLessThanOrEqual(
      Math.ceil(result.batch.chunkMs.count / 10) + SHARDS,
    );
    expect(dynamoDbWriteUnitsPerItem).toBeGreaterThan(1);
  });

  it('takes a fixed number of transitions apart from the poll loop, and prices the batch', () => {
    // Creation, Initialization (+ a task per shard), Execution, Dispatch (+ a task per shard), Shards finished, Completion.
    expect(result.batch.transitions.fixed).toBe(2 * SHARDS + 6);
    expect(result.batch.transitions.pollChecks).toBeGreaterThan(0);
    expect(result.batch.costPerMillionItems.total).toBeGreaterThan(0);
    // Lambda priced from the modelled critical path, a low–high range; logs and traces as their own lines.
    const { lambda, lambdaLow, logs, xRay } = result.batch.costPerMillionItems;
    expect(lambdaLow).toBeLessThan(lambda);
    expect(logs).toBeGreaterThan(0);
    expect(xRay).toBeGreaterThan(0);
    expect(Object.keys(result.batch.lambda)).toEqual(expect.arrayContaining(['Worker', 'InitializeShard']));
  });

  it('reports the peak memory of the service and of both emulators, and where the processor time went', () => {
    const roles = ['service', 'DynamoDB Local (Java)', 'SQS emulator (fauxqs)'];
    expect(Object.keys(result.batch.peakRssMiB)).toEqual(expect.arrayContaining(roles));
    for (const mib of Object.values(result.batch.peakRssMiB)) expect(mib).toBeGreaterThan(0);
    // Both sides of the wire worked in the batch and in the batched floor: the JVM most of all.
    for (const cpu of [result.batch.cpuSeconds, result.floor.batched.cpuSeconds]) {
      expect(Object.keys(cpu)).toEqual(expect.arrayContaining(roles));
      expect(cpu['DynamoDB Local (Java)']).toBeGreaterThan(0);
    }
    expect(result.batch.cpuSeconds.service).toBeGreaterThan(0);
  });
});
