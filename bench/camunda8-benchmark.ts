import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import createCamundaClient, { type CamundaClient } from '@camunda8/orchestration-cluster-api';
import { RuntimeProcess } from '../local/runtime-process.ts';
import {
  allInLanes,
  type ComparisonRun,
  type EngineBenchmarkOptions,
  inLanes,
  runOnEngine,
  type ServiceOnEngine,
} from './engine-benchmark.ts';

/** Who calls the target: each its own user, so that none spends another's rate limit. */
const USERS = {
  seeder: 'demo',
  service: 'batchops',
  naive: 'naive-loop',
  floor: 'floor',
} as const;
/** Processes of the target, one per set of instances. */
const PROCESS = {
  warmUp: 'bench-c8-warm-up',
  service: 'bench-c8-service',
  naive: 'bench-c8-naive',
  floor: 'bench-c8-floor',
} as const;
/**
 * A first batch of this many instances (at most N) warms both runtimes' JVMs (DynamoDB Local compiles
 * its update path on first use) and the service's client before anything is measured.
 */
const WARM_UP_MAX = 1000;
/** Instance creations in flight while seeding (not measured). */
const SEED_CONCURRENCY = 32;
/** Camunda's largest search page (its secondary storage's result window). */
const PAGE_LIMIT = 10_000;
/** The floor's concurrencies: each on a third of its instances; the fastest is the floor. */
export const FLOOR_CONCURRENCIES = [8, 32, 128] as const;
const READ_NOW = { consistency: { waitUpToMs: 0 } };

export interface Camunda8Target {
  gatewayVersion: string;
  /** API_RATE_LIMIT_PER_SECOND of the target per caller (0: off) and its burst. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
}

export interface NaiveLoopRun extends ComparisonRun {
  concurrency: number;
  searches: number;
  canceled: number;
  /** Calls that threw after the official client's own retries: a user's loop loses those items. */
  failedCalls: number;
}

export interface FloorLevel extends ComparisonRun {
  concurrency: number;
  /** 429 answers waited out (the bare loop honours Retry-After and sends again). */
  throttled: number;
  /** Answers other than 204 and 429. */
  refused: number;
}

export interface Camunda8Comparisons {
  naive: NaiveLoopRun;
  floor: { levels: FloorLevel[]; concurrency: number; itemsPerSecond: number };
}

export type Camunda8BenchmarkResult = Awaited<ReturnType<typeof runCamunda8Benchmark>>;

/**
 * `npm run bench -- --engine camunda8`: a second embedded runtime in a child process is the cluster
 * (local/runtime-process.ts, as the adapter's tests run it), seeded through its API; the service in
 * this process (ENGINE=camunda8) cancels N instances in one batch; beside it the naive loop a user would
 * write with the official client and the floor, the target's per-instance cancel driven bare.
 */
export async function runCamunda8Benchmark(options: EngineBenchmarkOptions) {
  const rateLimit = options.targetRate;
  // One second of burst: a larger bucket would let the batch's first items through above the limit.
  const rateLimitBurst = Math.max(rateLimit, 1);
  const target = await RuntimeProcess.start('The Camunda 8 target', {
    AUTH_USERS: Object.values(USERS)
      .map((user) => `${user}:${user}`)
      .join(','),
    AUTH_ADMIN_USERS: Object.values(USERS).join(','),
    API_RATE_LIMIT_PER_SECOND: String(rateLimit),
    API_RATE_LIMIT_BURST: String(rateLimitBurst),
  });
  try {
    // The seeder waits out 429s of a throttled target: seeding is not what is measured.
    const seeder = client(target.url, USERS.seeder, { CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: '50' });
    const processOf = (set: string) => PROCESS[set as keyof typeof PROCESS];
    return await runOnEngine<Camunda8Target, Camunda8Comparisons>(options, {
      comparisonSets: ['naive', 'floor'],
      warmUpMax: WARM_UP_MAX,
      serviceEnvironment: {
        ENGINE: 'camunda8',
        CAMUNDA_REST_ADDRESS: target.url,
        CAMUNDA_AUTH_STRATEGY: 'BASIC',
        CAMUNDA_BASIC_AUTH_USERNAME: USERS.service,
        CAMUNDA_BASIC_AUTH_PASSWORD: USERS.service,
      },
      engineUrl: target.url,
      seed: (set, count) => seed(seeder, processOf(set), count),
      filter: (set) => ({ processDefinitionId: processOf(set) }),
      active: (set) => activeCount(seeder, processOf(set)),
      compare: async (service) => {
        const concurrency = service.config().workerConcurrency;
        const naiveClient = client(target.url, USERS.naive, {});
        return {
          naive: await service.compare(
            options.instances,
            () => naiveLoop(naiveClient, PROCESS.naive, concurrency),
            (run) => run.canceled,
          ),
          floor: await measureFloor(service, seeder, target.url),
        };
      },
      target: async () => ({
        gatewayVersion: (await seeder.getTopology()).gatewayVersion,
        rateLimitPerSecond: rateLimit,
        rateLimitBurst,
      }),
      rates: ({ naive, floor }) => ({
        naive: naive.itemsPerSecond,
        floor: floor.itemsPerSecond,
        targetLimit: rateLimit > 0 ? rateLimit : undefined,
      }),
    });
  } finally {
    await target.dispose();
  }
}

/** The official client as a user of the target sets it up: its defaults, but for a silent log. */
function client(url: string, user: string, tuning: Record<string, string>): CamundaClient {
  return createCamundaClient({
    env: {
      CAMUNDA_REST_ADDRESS: url,
      CAMUNDA_AUTH_STRATEGY: 'BASIC',
      CAMUNDA_BASIC_AUTH_USERNAME: user,
      CAMUNDA_BASIC_AUTH_PASSWORD: user,
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
      ...tuning,
    },
  });
}

/** Deploys the order process (docs/examples/order-v1.bpmn: instances wait at a service task) as `processId` and starts `count`. */
async function seed(seeder: CamundaClient, processId: string, count: number): Promise<number> {
  const xml = readFileSync(resolve(import.meta.dirname, '../docs/examples/order-v1.bpmn'), 'utf8').replace(
    'id="order"',
    `id="${processId}"`,
  );
  const deployment = await seeder.createDeployment({
    resources: [new File([xml], `${processId}.bpmn`, { type: 'application/xml' })],
  });
  const { processDefinitionKey } = deployment.processes[0];
  return await allInLanes(`Seeding ${processId}`, count, SEED_CONCURRENCY, () =>
    seeder.createProcessInstance({ processDefinitionKey }),
  );
}

async function activeCount(seeder: CamundaClient, processDefinitionId: string): Promise<number> {
  const page = await seeder.searchProcessInstances(
    { filter: { processDefinitionId, state: 'ACTIVE' }, page: { limit: 1 } },
    READ_NOW,
  );
  return Number(page.page.totalItems);
}

/**
 * The loop a user writes with the official client: search the ACTIVE instances a page at a time
 * (Camunda's largest page, the `after` cursor) and cancel each instance of a page, `concurrency` calls
 * in flight, with the client's default retries. A call that still fails is counted and left behind,
 * as such a loop leaves it; a failed search is asked again.
 */
async function naiveLoop(
  client: CamundaClient,
  processDefinitionId: string,
  concurrency: number,
): Promise<Omit<NaiveLoopRun, keyof ComparisonRun>> {
  let after: string | undefined;
  let searches = 0;
  let canceled = 0;
  let failedCalls = 0;
  for (;;) {
    let page: Awaited<ReturnType<CamundaClient['searchProcessInstances']>>;
    try {
      searches++;
      page = await client.searchProcessInstances(
        {
          filter: { processDefinitionId, state: 'ACTIVE' },
          page: { limit: PAGE_LIMIT, ...(after ? { after } : {}) },
        },
        READ_NOW,
      );
    } catch {
      failedCalls++;
      continue;
    }
    const { items } = page;
    if (items.length === 0) break;
    failedCalls += await inLanes(items.length, concurrency, async (index) => {
      await client.cancelProcessInstance({ processInstanceKey: items[index].processInstanceKey });
      canceled++;
    });
    after = page.page.endCursor ?? undefined;
  }
  return { concurrency, searches, canceled, failedCalls };
}

/**
 * The floor: the target's per-instance cancel, `POST /v2/process-instances/{key}/cancellation`, sent
 * bare (fetch, no client) on a third of the floor's instances at each of FLOOR_CONCURRENCIES; the
 * fastest is the floor. A 429 is waited out (its Retry-After) and sent again, so a throttled target's
 * floor is its limit.
 */
async function measureFloor(service: ServiceOnEngine, seeder: CamundaClient, url: string) {
  const keys: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await seeder.searchProcessInstances(
      {
        filter: { processDefinitionId: PROCESS.floor, state: 'ACTIVE' },
        page: { limit: PAGE_LIMIT, ...(after ? { after } : {}) },
      },
      READ_NOW,
    );
    keys.push(...page.items.map((item) => String(item.processInstanceKey)));
    if (page.items.length < PAGE_LIMIT || !page.page.endCursor) break;
    after = page.page.endCursor;
  }
  const authorization = `Basic ${Buffer.from(`${USERS.floor}:${USERS.floor}`).toString('base64')}`;
  const levels: FloorLevel[] = [];
  const slice = Math.floor(keys.length / FLOOR_CONCURRENCIES.length);
  for (const [index, concurrency] of FLOOR_CONCURRENCIES.entries()) {
    // The last level takes the remainder too, so that the floor leaves no instance running.
    const last = index === FLOOR_CONCURRENCIES.length - 1;
    const part = keys.slice(index * slice, last ? keys.length : (index + 1) * slice);
    levels.push(
      await service.compare(part.length, async () => {
        let throttled = 0;
        const refused = await inLanes(part.length, concurrency, async (at) => {
          for (;;) {
            const response = await fetch(`${url}/v2/process-instances/${part[at]}/cancellation`, {
              method: 'POST',
              headers: { authorization },
            });
            await response.arrayBuffer();
            if (response.status === 204) return;
            if (response.status !== 429) throw new Error(`cancel answered ${response.status}`);
            throttled++;
            const waitS = Number(response.headers.get('retry-after')) || 1;
            await new Promise((done) => setTimeout(done, waitS * 1000));
          }
        });
        return { concurrency, throttled, refused };
      }),
    );
  }
  const fastest = levels.reduce((best, level) => (level.itemsPerSecond > best.itemsPerSecond ? level : best));
  return { levels, concurrency: fastest.concurrency, itemsPerSecond: fastest.itemsPerSecond };
}
