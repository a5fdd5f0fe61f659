import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { addClientPlugin } from '#commons/clients.ts';
import { setMetricsSink } from '#commons/metrics.ts';
import { services } from '#commons/services.ts';
import { synthesizedStateMachineDefinition } from '../lib/synthesize.ts';
import { type EmbeddedRuntime, startEmbeddedRuntime } from '../local/embedded-runtime.ts';
import {
  type BenchmarkResult,
  cancelToEnd,
  chunkDurationsIn,
  machine,
  percentiles,
  phaseTimes,
  rate,
  requestFigures,
} from './benchmark.ts';
import { type CodeVersion, codeVersion } from './code-version.ts';
import { ProcessUsage, type WindowUsage } from './process-usage.ts';
import { RequestCounter } from './request-counter.ts';
import { StateMachineEvents } from './state-machine-events.ts';
import { TargetCalls } from './target-calls.ts';

/** The external engines the benchmark drives (`--engine`); `builtin` is bench/benchmark.ts. */
export type BenchEngine = 'camunda8' | 'camunda7';

export interface EngineBenchmarkOptions {
  engine: BenchEngine;
  instances: number;
  /** CHUNK_SIZE of the service (ENGINE_BENCH_CHUNK_SIZE when not given). */
  chunkSize?: number;
  /** WORKER_CONCURRENCY of the service: items in flight (ENGINE_BENCH_WORKER_CONCURRENCY when not given). */
  workerConcurrency?: number;
  /** Camunda 8: the target's API_RATE_LIMIT_PER_SECOND per caller; 0 (the default here) turns it off. */
  targetRate: number;
  /** Run the comparisons (naive loop, floor or the engine's own batch) beside the service's batch. */
  baseline: boolean;
  /** How often the user asks for the batch's progress over the API while it runs. */
  progressPollMs?: number;
}

/**
 * The service's chunk on an external engine: the largest the service takes, as in the built-in
 * benchmark (one invocation, claim and recording per 1,000 items).
 */
export const ENGINE_BENCH_CHUNK_SIZE = 1000;
/**
 * Items in flight to the engine: an external engine's selection is read whole, so one shard and one
 * worker carry the batch, and this is its concurrency (the naive loop gets the same).
 */
export const ENGINE_BENCH_WORKER_CONCURRENCY = 32;

/** What the service's batch did and used: the built-in benchmark's batch figures, less the AWS price. */
export interface ServiceBatch
  extends Pick<
    BenchmarkResult['batch'],
    | 'state'
    | 'completed'
    | 'failed'
    | 'phasesMs'
    | 'endToEndMs'
    | 'itemsPerSecond'
    | 'chunkMs'
    | 'peakRssMiB'
    | 'cpuSeconds'
    | 'requests'
  > {
  transitions: { total: number; pollLoop: number; fixed: number };
  /** The engine's answers to the service, by route and status (the target's side of the wire). */
  engineCalls: Record<string, number>;
}

/** A comparison run beside the service: a naive loop, the floor or the engine's own batch. */
export interface ComparisonRun extends WindowUsage {
  items: number;
  durationMs: number;
  /** Items it changed per second: what a run left undone does not count. */
  itemsPerSecond: number;
  /** The engine's answers to it, by route and status. */
  engineCalls: Record<string, number>;
}

export interface EngineBenchmarkResult<Target, Comparisons> {
  options: EngineBenchmarkOptions;
  date: string;
  /** The commit measured, read at the start; null outside a git checkout. */
  code: CodeVersion | null;
  machine: ReturnType<typeof machine>;
  config: { shards: number; chunkSize: number; workerConcurrency: number };
  loadAverage: { start: number; end: number };
  /** How long seeding each set of instances took (not counted in any rate). */
  seedingMs: Record<string, number>;
  warmUp: { items: number; durationMs: number };
  /** The engine the instances live in, and what was left of each set when its run ended. */
  target: Target;
  batch: ServiceBatch;
  comparisons: Comparisons;
  ratios: EngineRatios;
}

export interface EngineRates {
  service: number;
  naive?: number;
  floor?: number;
  engineBatch?: number;
  /** The target's limit in items per second, when it has one. */
  targetLimit?: number;
}

export interface EngineRatios {
  serviceToFloor?: number;
  serviceToTargetLimit?: number;
  serviceToNaive?: number;
  serviceToEngineBatch?: number;
  /** Against the faster of the naive loop and the engine's own batch (issue 26's figure). */
  serviceToFasterOther?: number;
}

/** The service's rate against each comparison measured; a ratio is absent when its comparison is. */
export function engineRatios(rates: EngineRates): EngineRatios {
  const to = (other: number | undefined) => (other ? rates.service / other : undefined);
  const others = [rates.naive, rates.engineBatch].filter((value): value is number => value !== undefined);
  const ratios: EngineRatios = {
    serviceToFloor: to(rates.floor),
    serviceToTargetLimit: to(rates.targetLimit),
    serviceToNaive: to(rates.naive),
    serviceToEngineBatch: to(rates.engineBatch),
    serviceToFasterOther: rates.engineBatch === undefined ? undefined : to(Math.max(...others)),
  };
  return Object.fromEntries(Object.entries(ratios).filter(([, value]) => value !== undefined));
}

/**
 * The service pointed at an external engine (ENGINE and its connection variables) in this process, as
 * the built-in benchmark runs it, with what measures a window: the engine's answers, the service's AWS
 * requests, processor time and memory of every process of the run.
 */
export class ServiceOnEngine {
  private readonly chunkDurations: number[] = [];
  readonly usage = new ProcessUsage();
  readonly code = codeVersion(fileURLToPath(new URL('..', import.meta.url)));
  readonly loadAtStart = os.loadavg()[0];

  private constructor(
    private readonly runtime: EmbeddedRuntime,
    private readonly counter: RequestCounter,
    private readonly events: StateMachineEvents,
    private readonly calls: TargetCalls,
    private readonly options: EngineBenchmarkOptions,
  ) {
    setMetricsSink((document) => {
      runtime.metrics.record(document);
      this.chunkDurations.push(...chunkDurationsIn(document));
    });
  }

  /** Starts the service on `engineEnv` (ENGINE and its connection); `engineUrl` tells its calls to the engine apart. */
  static async start(
    options: EngineBenchmarkOptions,
    engineEnv: Record<string, string>,
    engineUrl: string,
  ): Promise<ServiceOnEngine> {
    // Both before the runtime: its clients take the plugin, and its engine client the counting fetch, when made.
    const counter = new RequestCounter();
    addClientPlugin(counter.plugin);
    const calls = new TargetCalls(engineUrl);
    const events = new StateMachineEvents();
    const runtime = await startEmbeddedRuntime({
      port: 0,
      config: {
        ...engineEnv,
        CHUNK_SIZE: String(options.chunkSize ?? ENGINE_BENCH_CHUNK_SIZE),
        WORKER_CONCURRENCY: String(options.workerConcurrency ?? ENGINE_BENCH_WORKER_CONCURRENCY),
      },
      onStateMachineEvent: events.observe,
      stateMachineDefinition: synthesizedStateMachineDefinition(),
    });
    return new ServiceOnEngine(runtime, counter, events, calls, options);
  }

  config(): EngineBenchmarkResult<unknown, unknown>['config'] {
    const { config } = services();
    return { shards: 1, chunkSize: config.CHUNK_SIZE, workerConcurrency: config.WORKER_CONCURRENCY };
  }

  /** A batch cancelling what `request` names, not measured (the warm-up); its duration. */
  async warmUp(request: Record<string, unknown>): Promise<number> {
    const started = performance.now();
    const { batch } = await cancelToEnd(this.runtime, request, this.options.progressPollMs);
    if (batch.state !== 'COMPLETED') throw new Error(`The warm-up batch ended ${batch.state}`);
    return Math.round(performance.now() - started);
  }

  /** The measured batch: one cancellation of what `request` names, from the API call to the execution's end. */
  async measure(request: Record<string, unknown>, items: number): Promise<ServiceBatch> {
    globalThis.gc?.();
    this.counter.take();
    this.calls.take();
    this.chunkDurations.length = 0;
    this.usage.start();
    const started = Date.now();
    const { batchKey, batch } = await cancelToEnd(this.runtime, request, this.options.progressPollMs);
    const usage = this.usage.stop();
    const engineCalls = this.calls.take();
    const requests = this.counter.take();
    const execution = this.events.of(batchKey);
    if (!execution?.endedAt) throw new Error(`No execution events for batch ${batchKey}`);
    const endToEndMs = execution.endedAt - started;
    return {
      state: batch.state as string,
      completed: batch.operationsCompletedCount as number,
      failed: batch.operationsFailedCount as number,
      phasesMs: phaseTimes(execution, started),
      endToEndMs,
      itemsPerSecond: rate(items, endToEndMs),
      chunkMs: percentiles(this.chunkDurations),
      ...usage,
      requests: requestFigures(requests, items),
      transitions: {
        total: execution.transitions,
        pollLoop: execution.pollLoopTransitions,
        fixed: execution.transitions - execution.pollLoopTransitions,
      },
      engineCalls,
    };
  }

  /**
   * A comparison run measured alike: `run` drives the engine without the service over `items`
   * instances; `done` tells how many it changed (a naive loop's failed calls leave some), which the
   * rate counts. Without it every item counts.
   */
  async compare<T extends object>(
    items: number,
    run: () => Promise<T>,
    done: (figures: T) => number = () => items,
  ): Promise<ComparisonRun & Omit<T, keyof ComparisonRun>> {
    globalThis.gc?.();
    this.calls.take();
    this.usage.start();
    const started = performance.now();
    const figures = await run();
    const durationMs = Math.round(performance.now() - started);
    const usage = this.usage.stop();
    return {
      ...figures,
      items,
      durationMs,
      itemsPerSecond: rate(done(figures), durationMs),
      ...usage,
      engineCalls: this.calls.take(),
    };
  }

  /** The result's common part around what the engine's benchmark measured. */
  result<Target, Comparisons>(
    parts: Pick<
      EngineBenchmarkResult<Target, Comparisons>,
      'seedingMs' | 'warmUp' | 'target' | 'batch' | 'comparisons' | 'ratios'
    >,
  ): EngineBenchmarkResult<Target, Comparisons> {
    return {
      options: this.options,
      date: new Date().toISOString(),
      code: this.code,
      machine: machine(),
      config: this.config(),
      loadAverage: { start: this.loadAtStart, end: os.loadavg()[0] },
      ...parts,
    };
  }

  stop(): Promise<void> {
    this.calls.uninstall();
    return this.runtime.stop();
  }
}

/**
 * What an engine's benchmark adds to the common run: its sets of instances beside `warmUp` and
 * `service` (one per comparison), how a set is seeded, named in a filter and counted, the service's
 * connection, and the comparisons.
 */
export interface EngineBench<Target, Comparisons> {
  readonly comparisonSets: readonly string[];
  /** The warm-up batch's size at most. */
  readonly warmUpMax: number;
  /** ENGINE and its connection variables, for the service. */
  readonly serviceEnvironment: Record<string, string>;
  /** The engine's address: calls to it are counted. */
  readonly engineUrl: string;
  /** Starts `count` instances of the set's own process; how long it took. */
  seed(set: string, count: number): Promise<number>;
  /** The filter of a cancellation batch naming every instance of the set. */
  filter(set: string): Record<string, unknown>;
  /** Instances of the set still running on the engine. */
  active(set: string): Promise<number>;
  /** The comparison runs, each measured with `service.compare`. */
  compare(service: ServiceOnEngine): Promise<Comparisons>;
  /** The engine's own figures. */
  target(): Promise<Target>;
  rates(comparisons: Comparisons): Omit<EngineRates, 'service'>;
}

/**
 * The common run: every set seeded (N instances each, the warm-up fewer), the service started on the
 * engine, a warm-up batch, the measured batch, then the comparisons, and what each left running.
 */
export async function runOnEngine<Target, Comparisons>(
  options: EngineBenchmarkOptions,
  bench: EngineBench<Target, Comparisons>,
): Promise<EngineBenchmarkResult<Target & { activeAfter: Record<string, number> }, Comparisons | undefined>> {
  const n = options.instances;
  const warmUpItems = Math.min(n, bench.warmUpMax);
  const compared = options.baseline ? bench.comparisonSets : [];
  const seedingMs: Record<string, number> = {};
  const sets: [string, number][] = [
    ['warmUp', warmUpItems],
    ['service', n],
    ...compared.map((set): [string, number] => [set, n]),
  ];
  for (const [set, count] of sets) seedingMs[set] = await bench.seed(set, count);
  const service = await ServiceOnEngine.start(options, bench.serviceEnvironment, bench.engineUrl);
  try {
    const warmUpMs = await service.warmUp({ filter: bench.filter('warmUp') });
    const batch = await service.measure({ filter: bench.filter('service') }, n);
    const comparisons = options.baseline ? await bench.compare(service) : undefined;
    const activeAfter: Record<string, number> = {};
    for (const set of ['service', ...compared]) activeAfter[set] = await bench.active(set);
    return service.result({
      seedingMs,
      warmUp: { items: warmUpItems, durationMs: warmUpMs },
      target: { ...(await bench.target()), activeAfter },
      batch,
      comparisons,
      ratios: engineRatios({
        service: batch.itemsPerSecond,
        ...(comparisons ? bench.rates(comparisons) : {}),
      }),
    });
  } finally {
    await service.stop();
  }
}

/**
 * Runs `work` for indexes 0…count-1 with `concurrency` in flight; returns how many threw (counted,
 * not rethrown: a loop that goes on past a failed call, as a user's script would).
 */
export async function inLanes(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      try {
        await work(index);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return failed;
}

/** `inLanes` where every call must succeed (seeding): throws when one did not. */
export async function allInLanes(
  what: string,
  count: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
): Promise<number> {
  let firstError: unknown;
  const started = performance.now();
  const failed = await inLanes(count, concurrency, async (index) => {
    try {
      await work(index);
    } catch (error) {
      firstError ??= error;
      throw error;
    }
  });
  if (failed > 0)
    throw new Error(`${what}: ${failed} of ${count} calls failed, the first: ${String(firstError)}`);
  return Math.round(performance.now() - started);
}
