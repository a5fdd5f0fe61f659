import { buildOperatonEngineIfNeeded, OperatonEngine } from '../test/helpers/operaton-engine.ts';
import {
  allInLanes,
  type ComparisonRun,
  type EngineBenchmarkOptions,
  inLanes,
  runOnEngine,
} from './engine-benchmark.ts';

/** Process definition keys of the engine, one per set of instances. */
const PROCESS = {
  warmUp: 'bench-c7-warm-up',
  service: 'bench-c7-service',
  naive: 'bench-c7-naive',
  engineBatch: 'bench-c7-engine-batch',
} as const;
/** A first batch of this many instances (at most N) warms the engine's and the service's JVM paths. */
const WARM_UP_MAX = 1000;
/** Instance starts in flight while seeding (not measured): the engine's H2 serializes much of it anyway. */
const SEED_CONCURRENCY = 8;
/** Instances per query page of the naive loop (a page a user would ask for). */
const NAIVE_PAGE = 1000;
/** How often the engine's own batch is asked whether it has ended: finer than the batch's 1 s job poll. */
const ENGINE_BATCH_POLL_MS = 250;
/** The engine's own batch is given up on after this long (a failed batch job keeps it open). */
const ENGINE_BATCH_DEADLINE_MS = 60 * 60_000;

export interface C7NaiveLoopRun extends ComparisonRun {
  concurrency: number;
  queries: number;
  deleted: number;
  /** Calls answered other than 204: the loop leaves those instances running. */
  failedCalls: number;
}

export interface EngineBatchRun extends ComparisonRun {
  batchId: string;
  /** The batch's jobs as the engine planned them (`totalJobs`, with `invocationsPerBatchJob` items each). */
  batchJobs: number;
  invocationsPerBatchJob: number;
  /** Jobs that failed for good, read from the batch's statistics while it ran. */
  failedJobs: number;
}

export interface Camunda7Comparisons {
  naive: C7NaiveLoopRun;
  engineBatch: EngineBatchRun;
}

export type Camunda7BenchmarkResult = Awaited<ReturnType<typeof runCamunda7Benchmark>>;

/**
 * `npm run bench -- --engine camunda7`: the Operaton test engine (test/engines/operaton, built with
 * Maven when needed) on loopback, seeded through its REST API; the service in this process
 * (ENGINE=camunda7) cancels N instances in one batch; beside it a naive loop over the engine's per-item
 * endpoint and the engine's own batch with the same query.
 */
export async function runCamunda7Benchmark(options: EngineBenchmarkOptions) {
  buildOperatonEngineIfNeeded();
  const engine = await OperatonEngine.start();
  try {
    const processOf = (set: string) => PROCESS[set as keyof typeof PROCESS];
    return await runOnEngine<object, Camunda7Comparisons>(options, {
      comparisonSets: ['naive', 'engineBatch'],
      warmUpMax: WARM_UP_MAX,
      serviceEnvironment: { ENGINE: 'camunda7', ...engine.environment() },
      engineUrl: engine.restUrl,
      seed: async (set, count) => {
        await engine.deploy('c7-review.bpmn', processOf(set));
        return await allInLanes(`Seeding ${processOf(set)}`, count, SEED_CONCURRENCY, () =>
          engine.call('POST', `/process-definition/key/${processOf(set)}/start`, {}),
        );
      },
      filter: (set) => ({ processDefinitionKey: processOf(set) }),
      active: async (set) =>
        (
          await engine.call<{ count: number }>(
            'GET',
            `/process-instance/count?processDefinitionKey=${processOf(set)}`,
          )
        ).count,
      compare: async (service) => ({
        naive: await service.compare(
          options.instances,
          () => naiveLoop(engine, PROCESS.naive, service.config().workerConcurrency),
          (run) => run.deleted,
        ),
        engineBatch: await service.compare(options.instances, () => engineBatch(engine, PROCESS.engineBatch)),
      }),
      target: async () => ({}),
      rates: ({ naive, engineBatch }) => ({
        naive: naive.itemsPerSecond,
        engineBatch: engineBatch.itemsPerSecond,
      }),
    });
  } finally {
    await engine.dispose();
  }
}

/**
 * The loop a Camunda 7 user writes: ask for the first page of the process's running instances
 * (`GET /process-instance`), `DELETE /process-instance/{id}` each with `concurrency` calls in flight,
 * again until none is left. A call answered other than 204 is counted and its instance left; a page
 * where every call failed ends the loop (it would ask for the same page for ever).
 */
async function naiveLoop(
  engine: OperatonEngine,
  key: string,
  concurrency: number,
): Promise<Omit<C7NaiveLoopRun, keyof ComparisonRun>> {
  let queries = 0;
  let deleted = 0;
  let failedCalls = 0;
  for (;;) {
    const page = await engine.call<{ id: string }[]>(
      'GET',
      `/process-instance?processDefinitionKey=${key}&firstResult=0&maxResults=${NAIVE_PAGE}`,
    );
    queries++;
    if (page.length === 0) break;
    const failed = await inLanes(page.length, concurrency, async (index) => {
      await engine.call('DELETE', `/process-instance/${page[index].id}`);
      deleted++;
    });
    failedCalls += failed;
    if (failed === page.length) break;
  }
  return { concurrency, queries, deleted, failedCalls };
}

/**
 * The engine's own batch: `POST /process-instance/delete` with the same query, timed until
 * `GET /batch` lists it no more and its history shows an end time.
 */
async function engineBatch(
  engine: OperatonEngine,
  key: string,
): Promise<Omit<EngineBatchRun, keyof ComparisonRun>> {
  const created = await engine.call<{ id: string; totalJobs: number; invocationsPerBatchJob: number }>(
    'POST',
    '/process-instance/delete',
    {
      processInstanceQuery: { processDefinitionKey: key },
      deleteReason: 'benchmark',
      skipCustomListeners: true,
      skipIoMappings: true,
    },
  );
  const deadline = Date.now() + ENGINE_BATCH_DEADLINE_MS;
  let failedJobs = 0;
  for (;;) {
    const statistics = await engine.call<{ failedJobs: number }[]>(
      'GET',
      `/batch/statistics?batchId=${created.id}`,
    );
    failedJobs = statistics[0]?.failedJobs ?? failedJobs;
    const open = await engine.call<unknown[]>('GET', `/batch?batchId=${created.id}`);
    if (open.length === 0) {
      const history = await engine.call<{ endTime: string | null }>('GET', `/history/batch/${created.id}`);
      if (history.endTime) break;
    }
    if (Date.now() > deadline)
      throw new Error(`The engine's batch ${created.id} had not ended after ${ENGINE_BATCH_DEADLINE_MS} ms`);
    await new Promise((done) => setTimeout(done, ENGINE_BATCH_POLL_MS));
  }
  return {
    batchId: created.id,
    batchJobs: created.totalJobs,
    invocationsPerBatchJob: created.invocationsPerBatchJob,
    failedJobs,
  };
}
