import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { addClientPlugin } from '#commons/clients.ts';
import { type EmfDocument, MetricName, setMetricsSink } from '#commons/metrics.ts';
import { services } from '#commons/services.ts';
import { WRITE_GROUP_SIZE } from '#domain/execution/execute-chunk.ts';
import { apiRoutes } from '#resources/api-routes.ts';
import { synthesizedStateMachineDefinition } from '../lib/synthesize.ts';
import { type EmbeddedRuntime, startEmbeddedRuntime } from '../local/embedded-runtime.ts';
import { observeInvocations } from '../local/lambda-runtime.ts';
import { type CodeVersion, codeVersion } from './code-version.ts';
import {
  AWS_LATENCY_MS,
  awsPollLoopTransitions,
  type Cost,
  type CostPerMillion,
  type CriticalPath,
  costOf,
  costPerMillionItems,
  memoryMbOf,
  monthlyCost,
  PRICES,
  perMillionItems,
  workerRoundTrips,
} from './cost-model.ts';
import { type FloorRun, measureEmulatorFloor } from './emulator-floor.ts';
import { type InvocationCount, InvocationRecorder } from './invocations.ts';
import { DEMO_AUTHORIZATION, runNaiveBaseline } from './naive-baseline.ts';
import { ProcessUsage } from './process-usage.ts';
import { isDynamoWrite, RequestCounter, type RequestCounts } from './request-counter.ts';
import { type Seed, seedInstances, seedKey } from './seed.ts';
import { type ExecutionFigures, PHASES, type Phase, StateMachineEvents } from './state-machine-events.ts';

export interface BenchmarkOptions {
  instances: number;
  shards: number;
  /** CHUNK_SIZE of the run (BENCH_CHUNK_SIZE when not given). */
  chunkSize?: number;
  /** WORKER_CONCURRENCY of the run (BENCH_WORKER_CONCURRENCY when not given). */
  workerConcurrency?: number;
  operation: 'cancel';
  /** Skip the naive baseline (e.g. at a million instances, where it would take hours). */
  baseline: boolean;
  /** How often the user asks for the batch's progress over the API while it runs. */
  progressPollMs?: number;
}

export interface RequestFigures {
  byOperation: RequestCounts;
  perItem: Record<string, number>;
  dynamoDbWritesPerItem: number;
  dynamoDbWriteUnitsPerItem: number;
  sqsRequestsPerItem: number;
}

export interface BenchmarkResult {
  options: BenchmarkOptions;
  date: string;
  /** The commit measured, read at the start; null outside a git checkout. */
  code: CodeVersion | null;
  machine: { cpus: number; memoryGiB: number; node: string; platform: string };
  config: {
    shards: number;
    chunkSize: number;
    workerConcurrency: number;
    /** DynamoDB requests the workers have in flight at most (the HTTP agent allows them: clients.ts). */
    requestsInFlight: number;
    /** Instance writes those requests carry (25 statements per batched request). */
    writesInFlight: number;
  };
  /** `/proc/loadavg`'s 1-minute figure when the run started and ended (a shared machine). */
  loadAverage: { start: number; end: number };
  seeding: { serviceMs: number; baselineMs?: number };
  /** The batch run first, not measured (WARM_UP_MAX). */
  warmUp: { items: number; durationMs: number };
  batch: {
    state: string;
    completed: number;
    failed: number;
    phasesMs: Record<Phase, number>;
    endToEndMs: number;
    itemsPerSecond: number;
    chunkMs: { count: number; p50: number; p95: number; p99: number };
    peakRssMiB: Record<string, number>;
    /** Processor seconds per process over the batch: where its time went on the shared cores. */
    cpuSeconds: Record<string, number>;
    requests: RequestFigures;
    lambda: Record<string, InvocationCount & { memoryMb: number }>;
    transitions: { total: number; pollLoop: number; fixed: number; pollChecks: number; awsPollLoop: number };
    cost: Cost;
    /** A million items: per item × 10⁶ plus one batch of a million's fixed part (cost-model.ts). */
    costPerMillionItems: CostPerMillion;
    /** Lambda's modelled critical path and the AWS latencies it was priced at. */
    lambdaModel: { criticalPath: CriticalPath; latencyMs: typeof AWS_LATENCY_MS };
  };
  /** Costs that do not grow with items: per month (deployment; records kept), apart from the batch. */
  monthly: ReturnType<typeof monthlyCost>;
  floor: {
    batched: FloorRun & { cpuSeconds: Record<string, number> };
    single: FloorRun & { cpuSeconds: Record<string, number> };
    itemsPerSecond: number;
    peakRssMiB: Record<string, number>;
  };
  baseline?: {
    durationMs: number;
    itemsPerSecond: number;
    searches: number;
    canceled: number;
    refused: number;
    peakRssMiB: Record<string, number>;
    cpuSeconds: Record<string, number>;
    requests: RequestFigures;
    cost: Cost;
    costPerMillionItems: Cost;
  };
  ratios: {
    /** Against the fastest floor form. */
    serviceToFloor: number;
    serviceToSingleWriteFloor: number;
    executionToFloor: number;
    serviceToBaseline?: number;
  };
  prices: typeof PRICES;
}

/**
 * The benchmark's chunk: the largest the service takes (MAX_CHUNK_SIZE), so an invocation, a claim, a
 * chunk recording and a receive are paid once per 1,000 items (the deployment the AWS time model uses).
 */
export const BENCH_CHUNK_SIZE = 1000;
/**
 * Batched requests in flight per worker: 4, i.e. 8 shards × 4 = 32 in flight. On this two-core machine
 * 16 a worker (128 in flight) ran the batch at 450 items/s against 813 with 4, at the same load
 * (docs/performance.md), while the bare floor ran alike at 32 and 128: the one service process, not
 * DynamoDB Local, is what more lanes oversubscribe.
 */
export const BENCH_WORKER_CONCURRENCY = 4;
/** Single calls the naive loop and the single-write floor keep in flight. */
const NAIVE_CALLS_IN_FLIGHT = 128;

/**
 * The floor writes at most this many of the batch's instances: a rate per item, which a sample gives as
 * well as the whole. At a million the single-write floor alone would take about an hour here.
 */
export const FLOOR_SAMPLE_MAX = 100_000;
/**
 * A first batch of this many instances (at most N), before anything is measured: DynamoDB Local is a
 * JVM whose PartiQL, query and transaction paths are compiled on first use. Unwarmed, the measured
 * batch paid that compilation (a C2 compiler thread took a quarter of the machine during it) and the
 * floor, run after it, did not.
 */
export const WARM_UP_MAX = 20_000;
const WARM_UP_SEED = 'bench-warm-up';
const SERVICE_SEED = 'bench-service';
const BASELINE_SEED = 'bench-baseline';
/** The API route the benchmark's user polls for progress (GET /v2/batch-operations/{key}). */
const PROGRESS_FUNCTION = 'GetBatchOperation';
const FINAL_STATES = new Set(['COMPLETED', 'PARTIALLY_COMPLETED', 'FAILED', 'CANCELED']);

/**
 * The benchmark in one process tree: the embedded runtime, seeded straight into DynamoDB Local, one
 * batch cancelling every seeded instance by filter, the emulator floor on the same instances, and the
 * naive baseline on a fresh seed of the same size. Only the batch window's requests, invocations and
 * transitions are charged to the service.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const counter = new RequestCounter();
  addClientPlugin(counter.plugin);
  const invocations = new InvocationRecorder();
  observeInvocations(invocations.observe);
  const events = new StateMachineEvents();
  const runtime = await startEmbeddedRuntime({
    port: 0,
    config: {
      SHARD_COUNT: String(options.shards),
      CHUNK_SIZE: String(options.chunkSize ?? BENCH_CHUNK_SIZE),
      WORKER_CONCURRENCY: String(options.workerConcurrency ?? BENCH_WORKER_CONCURRENCY),
    },
    onStateMachineEvent: events.observe,
    stateMachineDefinition: synthesizedStateMachineDefinition(),
  });
  const chunkDurations: number[] = [];
  setMetricsSink((document) => {
    runtime.metrics.record(document);
    chunkDurations.push(...chunkDurationsIn(document));
  });
  const usage = new ProcessUsage();
  const loadAtStart = os.loadavg()[0];
  const code = codeVersion(fileURLToPath(new URL('..', import.meta.url)));
  try {
    const { instances, config } = services();
    const groupsPerChunk = Math.ceil(config.CHUNK_SIZE / WRITE_GROUP_SIZE);
    const requestsInFlight = config.SHARD_COUNT * Math.min(config.WORKER_CONCURRENCY, groupsPerChunk);
    const writesInFlight = requestsInFlight * Math.min(WRITE_GROUP_SIZE, config.CHUNK_SIZE);
    // The naive loop's calls and the single-write floor: as many in flight as earlier runs gave them
    // (8 shards × the default WORKER_CONCURRENCY 16), whatever this run's worker concurrency.
    const callsInFlight = NAIVE_CALLS_IN_FLIGHT;
    const criticalPath: CriticalPath = {
      worker: workerRoundTrips(config.CHUNK_SIZE, WRITE_GROUP_SIZE, config.WORKER_CONCURRENCY),
      other: 3,
    };
    const apiFunctions = new Set(apiRoutes.map((route) => route.id));
    const n = options.instances;

    const cancelAll = (processDefinitionId: string) =>
      cancelToEnd(runtime, { filter: { processDefinitionId } }, options.progressPollMs);

    // Warm-up and seeding: not part of any figure but their own.
    const warmUpSeed: Seed = {
      processDefinitionId: WARM_UP_SEED,
      firstSequence: 30_000_000,
      count: Math.min(n, WARM_UP_MAX),
    };
    await seedInstances(instances, warmUpSeed);
    const warmUpStarted = performance.now();
    const warmUp = await cancelAll(WARM_UP_SEED);
    const warmUpMs = performance.now() - warmUpStarted;
    if (warmUp.batch.state !== 'COMPLETED') throw new Error(`The warm-up batch ended ${warmUp.batch.state}`);
    const serviceSeed: Seed = { processDefinitionId: SERVICE_SEED, firstSequence: 10_000_000, count: n };
    const serviceSeedMs = await seedInstances(instances, serviceSeed);
    globalThis.gc?.();

    // The batch.
    counter.take();
    invocations.take();
    chunkDurations.length = 0;
    usage.start();
    const started = Date.now();
    const { batchKey, batch } = await cancelAll(SERVICE_SEED);
    const batchUsage = usage.stop();
    const batchRequests = counter.take();
    const batchInvocations = invocations.take();
    const execution = events.of(batchKey);
    if (!execution?.endedAt) throw new Error(`No execution events for batch ${batchKey}`);
    const endToEndMs = execution.endedAt - started;
    const phasesMs = phaseTimes(execution, started);
    const awsPollLoop = awsPollLoopTransitions(phasesMs.Execution / 1000, config.PROGRESS_POLL_SECONDS);
    const fixedTransitions = execution.transitions - execution.pollLoopTransitions;
    const batchCost = costOf({
      requests: batchRequests,
      invocations: batchInvocations,
      apiFunctions,
      transitions: fixedTransitions + awsPollLoop,
      criticalPath,
    });

    // The floor, on the instances the batch changed, before anything else grows the table.
    const floorRun = async (form: 'batched' | 'single', inFlight: number) => {
      usage.start();
      const run = await measureEmulatorFloor(form, {
        tableName: config.PROCESS_INSTANCES_TABLE,
        keys: (index) => seedKey(serviceSeed, index),
        count: Math.min(n, FLOOR_SAMPLE_MAX),
        requestsInFlight: inFlight,
      });
      return { run, usage: usage.stop() };
    };
    const batchedFloor = await floorRun('batched', requestsInFlight);
    const singleFloor = await floorRun('single', callsInFlight);
    counter.take();

    let baseline: BenchmarkResult['baseline'];
    let baselineSeedMs: number | undefined;
    if (options.baseline) {
      const baselineSeed: Seed = { processDefinitionId: BASELINE_SEED, firstSequence: 20_000_000, count: n };
      baselineSeedMs = await seedInstances(instances, baselineSeed);
      globalThis.gc?.();
      counter.take();
      invocations.take();
      usage.start();
      const naive = await runNaiveBaseline({
        url: runtime.url,
        processDefinitionId: BASELINE_SEED,
        pageLimit: 10_000,
        concurrency: callsInFlight,
      });
      const baselineUsage = usage.stop();
      const baselineRequests = counter.take();
      const baselineCost = costOf({
        requests: baselineRequests,
        invocations: invocations.take(),
        apiFunctions,
        transitions: 0,
        criticalPath,
      });
      baseline = {
        ...naive,
        itemsPerSecond: rate(n, naive.durationMs),
        ...baselineUsage,
        requests: requestFigures(baselineRequests, n),
        cost: baselineCost,
        costPerMillionItems: perMillionItems(baselineCost, n),
      };
    }

    const itemsPerSecond = rate(n, endToEndMs);
    const floor = {
      batched: { ...batchedFloor.run, cpuSeconds: batchedFloor.usage.cpuSeconds },
      single: { ...singleFloor.run, cpuSeconds: singleFloor.usage.cpuSeconds },
    };
    const floorRate = Math.max(floor.batched.itemsPerSecond, floor.single.itemsPerSecond);
    return {
      options,
      date: new Date().toISOString(),
      code,
      machine: machine(),
      config: {
        shards: config.SHARD_COUNT,
        chunkSize: config.CHUNK_SIZE,
        workerConcurrency: config.WORKER_CONCURRENCY,
        requestsInFlight,
        writesInFlight,
      },
      loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
      seeding: { serviceMs: Math.round(serviceSeedMs), baselineMs: round(baselineSeedMs) },
      warmUp: { items: warmUpSeed.count, durationMs: Math.round(warmUpMs) },
      batch: {
        state: batch.state as string,
        completed: batch.operationsCompletedCount as number,
        failed: batch.operationsFailedCount as number,
        phasesMs,
        endToEndMs,
        itemsPerSecond,
        chunkMs: percentiles(chunkDurations),
        ...batchUsage,
        requests: requestFigures(batchRequests, n),
        lambda: Object.fromEntries(
          Object.entries(batchInvocations).map(([name, count]) => [
            name,
            { ...count, memoryMb: memoryMbOf(name) },
          ]),
        ),
        transitions: {
          total: execution.transitions,
          pollLoop: execution.pollLoopTransitions,
          fixed: fixedTransitions,
          pollChecks: execution.pollChecks,
          awsPollLoop,
        },
        cost: batchCost,
        costPerMillionItems: costPerMillionItems({
          requests: batchRequests,
          invocations: batchInvocations,
          apiFunctions,
          criticalPath,
          items: n,
          fixedTransitions,
          firstPollSeconds: config.PROGRESS_POLL_SECONDS,
          progressFunction: PROGRESS_FUNCTION,
          runSeconds: endToEndMs / 1000,
        }),
        lambdaModel: { criticalPath, latencyMs: AWS_LATENCY_MS },
      },
      // 20 metric names (functions/commons/metrics.ts) with the batch type as dimension, 3 alarms, 1 dashboard.
      monthly: monthlyCost({ metrics: 20, alarms: 3, dashboards: 1 }),
      floor: {
        ...floor,
        itemsPerSecond: floorRate,
        peakRssMiB: largerOf(batchedFloor.usage.peakRssMiB, singleFloor.usage.peakRssMiB),
      },
      baseline,
      ratios: {
        serviceToFloor: itemsPerSecond / floorRate,
        serviceToSingleWriteFloor: itemsPerSecond / floor.single.itemsPerSecond,
        executionToFloor: rate(n, phasesMs.Execution) / floorRate,
        ...(baseline ? { serviceToBaseline: itemsPerSecond / baseline.itemsPerSecond } : {}),
      },
      prices: PRICES,
    };
  } finally {
    observeInvocations(undefined);
    await runtime.stop();
  }
}

/**
 * A batch cancelling what `request` names, as a user would: one call, then a progress read every
 * `pollMs` (a second) until a final state, then the execution's end.
 */
export async function cancelToEnd(
  runtime: Pick<EmbeddedRuntime, 'url' | 'stepFunctions'>,
  request: Record<string, unknown>,
  pollMs = 1000,
): Promise<{ batchKey: string; batch: Record<string, unknown> }> {
  const creation = await post(runtime.url, '/v2/process-instances/cancellation', request);
  const batchKey = creation.batchOperationKey as string;
  let batch: Record<string, unknown>;
  do {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    batch = await get(runtime.url, `/v2/batch-operations/${batchKey}`);
  } while (!FINAL_STATES.has(batch.state as string));
  await runtime.stepFunctions.idle();
  return { batchKey, batch };
}

/** Each top-level state's time from its events; Creation starts with the API call, before the execution exists. */
export function phaseTimes(execution: ExecutionFigures, started: number): Record<Phase, number> {
  return Object.fromEntries(
    PHASES.map((phase) => {
      const span = execution.phases[phase];
      const from = phase === 'Creation' ? started : (span?.entered ?? 0);
      return [phase, span?.exited ? span.exited - from : 0];
    }),
  ) as Record<Phase, number>;
}

export function requestFigures(byOperation: RequestCounts, items: number): RequestFigures {
  const perItem = Object.fromEntries(
    Object.entries(byOperation).map(([operation, count]) => [operation, count.requests / items]),
  );
  const sum = (pick: (operation: string) => boolean, value: (key: string) => number) =>
    Object.keys(byOperation)
      .filter(pick)
      .reduce((total, key) => total + value(key), 0) / items;
  return {
    byOperation,
    perItem,
    dynamoDbWritesPerItem: sum(isDynamoWrite, (key) => byOperation[key].requests),
    dynamoDbWriteUnitsPerItem: sum(
      (key) => key.startsWith('DynamoDB.'),
      (key) => byOperation[key].writeUnits,
    ),
    sqsRequestsPerItem: sum(
      (key) => key.startsWith('SQS.'),
      (key) => byOperation[key].attempts,
    ),
  };
}

export function chunkDurationsIn(document: EmfDocument): number[] {
  const value = document[MetricName.ChunkDuration];
  if (value === undefined) return [];
  return ([] as unknown[]).concat(value).map(Number);
}

export function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export function rate(items: number, ms: number): number {
  return ms > 0 ? Math.round((items / ms) * 1000) : 0;
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}

export function machine() {
  return {
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: DEMO_AUTHORIZATION, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function get(url: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: DEMO_AUTHORIZATION } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Per role, the larger of two windows' figures. */
function largerOf(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const larger = { ...a };
  for (const [role, value] of Object.entries(b)) larger[role] = Math.max(larger[role] ?? 0, value);
  return larger;
}
