import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient, Json } from './api-client.ts';

/** `batchops seed` without --count, and `npm start -- --seed` without a number. */
export const DEFAULT_SEED_COUNT = 10_000;
/** Requests in flight while seeding: enough to keep the embedded run busy without queueing for long. */
export const DEFAULT_SEED_CONCURRENCY = 16;
/** Jobs per activation request (the engine answers at once; larger pages mean fewer round trips). */
const ACTIVATION_PAGE = 100;
/** Jobs the seed takes but leaves alone are held this long, as a worker that is still busy would. */
const UNTOUCHED_JOB_TIMEOUT_MS = 10 * 60_000;

const DEMO_DATA = join(import.meta.dirname, 'demo-data');

/** Tenants with their share of instances; `<default>` is the tenant of requests that name none. */
const TENANTS: readonly [tenant: string, weight: number][] = [
  ['<default>', 5],
  ['acme', 3],
  ['globex', 2],
];

type Role = 'incident' | 'complete' | 'wait';

interface DemoProcess {
  /** BPMN files in deployment order: each deployment of the same process id is its next version. */
  readonly file: string;
  readonly weight: number;
  /** The job type of the first task, which the seed fails (incident) or completes. */
  readonly jobType?: string;
  readonly incidentShare?: number;
  readonly completeShare?: number;
  readonly errors?: readonly string[];
}

/** Four definitions (one in two versions): shares, outcomes and error messages of each. */
const PROCESSES: readonly DemoProcess[] = [
  {
    file: 'demo-order-v1.bpmn',
    weight: 25,
    jobType: 'demo-reserve-stock',
    incidentShare: 0.12,
    completeShare: 0.3,
    errors: ['Warehouse service unavailable (HTTP 503)', 'Stock reservation timed out after 30 s'],
  },
  {
    file: 'demo-order-v2.bpmn',
    weight: 25,
    jobType: 'demo-reserve-stock',
    incidentShare: 0.08,
    completeShare: 0.3,
    errors: ['Warehouse service unavailable (HTTP 503)', 'SKU not found in catalogue'],
  },
  {
    file: 'demo-invoice.bpmn',
    weight: 30,
    jobType: 'demo-charge-card',
    incidentShare: 0.1,
    completeShare: 0.6,
    errors: ['Card declined: insufficient funds', 'Payment gateway answered 502 Bad Gateway'],
  },
  { file: 'demo-onboarding.bpmn', weight: 20 },
];

const REGIONS = ['EU', 'US', 'APAC'] as const;
const PRIORITIES = ['low', 'normal', 'normal', 'high'] as const;

export interface SeedProgress {
  phase: 'deploy' | 'start' | 'jobs';
  done: number;
  total: number;
}

export interface SeedOptions {
  count: number;
  concurrency?: number;
  /** Same seed, same plan (definitions, tenants, variables, outcomes). */
  randomSeed?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  instances: number;
  definitions: {
    processDefinitionId: string;
    version: number;
    tenantId: string;
    processDefinitionKey: string;
    instances: number;
  }[];
  tenants: Record<string, number>;
  /** Instances given an incident (a job failed with no retries left). */
  incidents: number;
  /** Instances whose first job was completed (invoices end COMPLETED, orders move on). */
  jobsCompleted: number;
  /** Instances that ended COMPLETED. */
  completedInstances: number;
  durationMs: number;
}

interface PlannedInstance {
  process: DemoProcess;
  tenant: string;
  role: Role;
  variables: Record<string, unknown>;
}

/**
 * Fills a deployment with realistic demo data through its public API: deploys the demo processes to
 * every tenant, starts `count` instances across them, then, as a job worker would, fails a share of
 * their first jobs with no retries left (incidents) and completes another share (some instances end
 * COMPLETED). Instances that get a job outcome are started first, so that activation (in creation
 * order) hands the seed exactly their jobs.
 */
export async function seedDemoData(api: ApiClient, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const concurrency = options.concurrency ?? DEFAULT_SEED_CONCURRENCY;
  const random = mulberry32(options.randomSeed ?? 17);
  const plan = planInstances(options.count, random);
  const handled = plan.filter((instance) => instance.role !== 'wait');
  const total = PROCESSES.length * TENANTS.length + plan.length + handled.length;
  let done = 0;
  const tick = (phase: SeedProgress['phase']) => options.onProgress?.({ phase, done: ++done, total });
  options.onProgress?.({ phase: 'deploy', done, total });

  // Deploy every process to every tenant: tenants in parallel, each tenant's files in order (versions).
  const definitionKeys = new Map<string, Json>();
  await Promise.all(
    TENANTS.map(async ([tenant]) => {
      for (const process of PROCESSES) {
        const content = readFileSync(join(DEMO_DATA, process.file), 'utf8');
        const { body } = await api.deploy([{ name: process.file, content }], tenant);
        definitionKeys.set(`${process.file}|${tenant}`, body.deployments[0].processDefinition);
        tick('deploy');
      }
    }),
  );

  // Start instances: the ones whose jobs the seed handles first, then the rest.
  const ordered = [...handled, ...plan.filter((instance) => instance.role === 'wait')];
  const roleOf = new Map<string, PlannedInstance>();
  const perDefinition = new Map<string, number>();
  await inParallel(
    ordered.length,
    concurrency,
    async (index) => {
      const instance = ordered[index];
      const definition = definitionKeys.get(`${instance.process.file}|${instance.tenant}`);
      const { body } = await api.post('/v2/process-instances', {
        processDefinitionKey: definition.processDefinitionKey,
        tenantId: instance.tenant,
        variables: instance.variables,
      });
      roleOf.set(String(body.processInstanceKey), instance);
      const id = `${instance.process.file}|${instance.tenant}`;
      perDefinition.set(id, (perDefinition.get(id) ?? 0) + 1);
      tick('start');
    },
    handled.length,
  );

  // Act as the job workers: fail (incident) or complete the planned instances' first jobs.
  const jobTypes = [...new Set(handled.map((instance) => instance.process.jobType as string))];
  let incidents = 0;
  let jobsCompleted = 0;
  let completedInstances = 0;
  for (const type of jobTypes) {
    let left = handled.filter((instance) => instance.process.jobType === type).length;
    while (left > 0) {
      const { body } = await api.post('/v2/jobs/activation', {
        type,
        maxJobsToActivate: Math.min(ACTIVATION_PAGE, left),
        timeout: UNTOUCHED_JOB_TIMEOUT_MS,
        worker: 'batchops-seed',
      });
      const jobs: Json[] = body.jobs ?? [];
      if (jobs.length === 0) break;
      await inParallel(jobs.length, concurrency, async (index) => {
        const job = jobs[index];
        const instance = roleOf.get(String(job.processInstanceKey));
        if (!instance || instance.role === 'wait') return; // not this seed's: held until its timeout
        left -= 1;
        if (instance.role === 'incident') {
          const errors = instance.process.errors ?? ['Job failed'];
          await api.post(`/v2/jobs/${job.jobKey}/failure`, {
            retries: 0,
            errorMessage: errors[Number(BigInt(job.processInstanceKey) % BigInt(errors.length))],
          });
          incidents += 1;
        } else {
          await api.post(`/v2/jobs/${job.jobKey}/completion`, {
            variables: {
              [`${type.replace(/^demo-/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Done`]: true,
            },
          });
          jobsCompleted += 1;
          if (instance.process.file === 'demo-invoice.bpmn') completedInstances += 1;
        }
        tick('jobs');
      });
    }
  }

  return {
    instances: plan.length,
    definitions: [...definitionKeys.entries()]
      .map(([id, definition]) => ({
        processDefinitionId: String(definition.processDefinitionId),
        version: Number(definition.processDefinitionVersion),
        tenantId: String(definition.tenantId),
        processDefinitionKey: String(definition.processDefinitionKey),
        instances: perDefinition.get(id) ?? 0,
      }))
      .sort(
        (a, b) =>
          a.processDefinitionId.localeCompare(b.processDefinitionId) ||
          a.version - b.version ||
          a.tenantId.localeCompare(b.tenantId),
      ),
    tenants: Object.fromEntries(
      TENANTS.map(([tenant]) => [tenant, plan.filter((instance) => instance.tenant === tenant).length]),
    ),
    incidents,
    jobsCompleted,
    completedInstances,
    durationMs: Date.now() - started,
  };
}

function planInstances(count: number, random: () => number): PlannedInstance[] {
  return Array.from({ length: count }, (_, index) => {
    const process = weighted(
      PROCESSES.map((p) => [p, p.weight] as const),
      random,
    );
    const tenant = weighted(TENANTS, random);
    const draw = random();
    const role: Role =
      draw < (process.incidentShare ?? 0)
        ? 'incident'
        : draw < (process.incidentShare ?? 0) + (process.completeShare ?? 0)
          ? 'complete'
          : 'wait';
    return {
      process,
      tenant,
      role,
      variables: {
        orderNumber: `SO-${String(100_000 + index)}`,
        customerId: `C-${String(1000 + Math.floor(random() * 9000))}`,
        region: REGIONS[Math.floor(random() * REGIONS.length)],
        priority: PRIORITIES[Math.floor(random() * PRIORITIES.length)],
        amount: Math.round((10 + random() * 4990) * 100) / 100,
      },
    };
  });
}

function weighted<T>(choices: readonly (readonly [T, number])[], random: () => number): T {
  const sum = choices.reduce((total, [, weight]) => total + weight, 0);
  let draw = random() * sum;
  for (const [choice, weight] of choices) {
    draw -= weight;
    if (draw < 0) return choice;
  }
  return choices[choices.length - 1][0];
}

/** A small seeded PRNG (mulberry32): the same seed gives the same plan. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `work` for 0..count-1 with `limit` in flight. With `barrier` > 0, items from `barrier` on start
 * only after every earlier one finished (the seed's handled instances must exist before the rest).
 */
async function inParallel(
  count: number,
  limit: number,
  work: (index: number) => Promise<void>,
  barrier = 0,
): Promise<void> {
  const run = async (from: number, to: number) => {
    let next = from;
    await Promise.all(
      Array.from({ length: Math.min(limit, Math.max(0, to - from)) }, async () => {
        while (next < to) await work(next++);
      }),
    );
  };
  if (barrier > 0) {
    await run(0, barrier);
    await run(barrier, count);
  } else await run(0, count);
}
