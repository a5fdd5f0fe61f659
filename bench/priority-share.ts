import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { services } from '#commons/services.ts';
import { progressOf } from '#domain/batch/batch-operation.ts';
import { synthesizedStateMachineDefinition } from '../lib/synthesize.ts';
import { startEmbeddedRuntime } from '../local/embedded-runtime.ts';
import { type CodeVersion, codeVersion } from './code-version.ts';
import { DEMO_AUTHORIZATION } from './naive-baseline.ts';
import { seedInstances } from './seed.ts';

/**
 * `npm run bench -- priority-share [--budget 300] [--instances 8000] [--shards 4] [--priorities 30,10]`:
 * two cancellation batches of different priority run at once under one engine budget
 * (ENGINE_MAX_ITEMS_PER_SECOND) on the embedded runtime. Their progress is sampled while both run;
 * each one's rate, the total against the budget and the shares against the weights go to
 * bench/results/priority-share.json.
 */
export interface PriorityShareResult {
  date: string;
  code: CodeVersion | null;
  options: { budget: number; instances: number; shards: number; priorities: number[] };
  /** The span both batches ran side by side, skipping the first second (leases being taken). */
  overlapMs: number;
  batches: { priority: number; itemsPerSecond: number; share: number; expectedShare: number }[];
  totalItemsPerSecond: number;
  /** Total rate over the budget: 1 is the budget exactly. */
  totalToBudget: number;
  /** The largest |share − weight share| / weight share over the batches. */
  worstShareError: number;
}

/** One reading of both batches' processed counts. */
export interface Sample {
  at: number;
  processed: number[];
}

/** Rates, shares and their errors from the samples taken while both batches ran. */
export function summarize(samples: readonly Sample[], priorities: readonly number[], budget: number) {
  const [first, last] = [samples[0], samples.at(-1) as Sample];
  const seconds = (last.at - first.at) / 1000;
  const rates = priorities.map((_, index) => (last.processed[index] - first.processed[index]) / seconds);
  const total = rates.reduce((sum, rate) => sum + rate, 0);
  const weights = priorities.reduce((sum, priority) => sum + priority, 0);
  const batches = priorities.map((priority, index) => ({
    priority,
    itemsPerSecond: round(rates[index]),
    share: round(rates[index] / total),
    expectedShare: round(priority / weights),
  }));
  return {
    overlapMs: last.at - first.at,
    batches,
    totalItemsPerSecond: round(total),
    totalToBudget: round(total / budget),
    worstShareError: round(
      Math.max(...batches.map((batch) => Math.abs(batch.share - batch.expectedShare) / batch.expectedShare)),
    ),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
/** Samples are taken this often (ms of wall time). */
const SAMPLE_MS = 250;
/** The first part of the overlap is left out: every shard takes its first lease then. */
const SETTLE_MS = 1000;

export async function runPriorityShare(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      budget: { type: 'string', default: '300' },
      instances: { type: 'string', default: '8000' },
      shards: { type: 'string', default: '4' },
      priorities: { type: 'string', default: '30,10' },
      output: { type: 'string' },
    },
  });
  const options = {
    budget: Number(values.budget),
    instances: Number(values.instances),
    shards: Number(values.shards),
    priorities: values.priorities.split(',').map(Number),
  };
  const runtime = await startEmbeddedRuntime({
    port: 0,
    config: {
      SHARD_COUNT: String(options.shards),
      ENGINE_MAX_ITEMS_PER_SECOND: String(options.budget),
    },
    stateMachineDefinition: synthesizedStateMachineDefinition(),
  });
  try {
    const keys = await Promise.all(
      options.priorities.map(async (priority, index) => {
        const processDefinitionId = `priority-share-${index}`;
        await seedInstances(services().instances, {
          processDefinitionId,
          firstSequence: 10_000_000 * (index + 1),
          count: options.instances,
        });
        return { processDefinitionId, priority };
      }),
    );
    const created = await Promise.all(
      keys.map(async ({ processDefinitionId, priority }) => {
        const response = await fetch(`${runtime.url}/v2/process-instances/cancellation`, {
          method: 'POST',
          headers: { authorization: DEMO_AUTHORIZATION, 'content-type': 'application/json' },
          body: JSON.stringify({ filter: { processDefinitionId }, priority }),
        });
        const body = (await response.json()) as { batchOperationKey?: string };
        if (!body.batchOperationKey) throw new Error(`Creation refused: ${JSON.stringify(body)}`);
        return body.batchOperationKey;
      }),
    );
    const samples: Sample[] = [];
    let firstMovedAt: number | undefined;
    for (;;) {
      const found = await Promise.all(created.map((key) => services().batches.getBatch(key)));
      const progress = found.map((batch) => progressOf(batch?.shards ?? []));
      const processed = progress.map(
        (counts) => counts.operationsCompletedCount + counts.operationsFailedCount,
      );
      // Until one of them ends (or has done all its items): one still CREATED is about to start.
      const running = found.every((batch) => ['CREATED', 'ACTIVE'].includes(batch?.batch.state ?? ''));
      const allMoving = processed.every((count) => count > 0);
      const someDone = progress.some(
        (counts, index) => counts.operationsTotalCount > 0 && processed[index] >= counts.operationsTotalCount,
      );
      if (!running || someDone) break;
      const at = Date.now();
      if (allMoving) firstMovedAt ??= at;
      if (firstMovedAt !== undefined && at - firstMovedAt >= SETTLE_MS) samples.push({ at, processed });
      await new Promise((resolveWait) => setTimeout(resolveWait, SAMPLE_MS));
    }
    if (samples.length < 2)
      throw new Error('The batches did not run side by side long enough: raise --instances');
    const result: PriorityShareResult = {
      date: new Date().toISOString(),
      code: codeVersion(resolve(import.meta.dirname, '..')),
      options,
      ...summarize(samples, options.priorities, options.budget),
    };
    const file = values.output
      ? resolve(values.output)
      : resolve(import.meta.dirname, 'results', 'priority-share.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `Budget ${options.budget} items/s: total ${result.totalItemsPerSecond} (${Math.round(result.totalToBudget * 100)}%); ${result.batches
        .map(
          (batch) =>
            `priority ${batch.priority}: ${batch.itemsPerSecond} items/s, share ${batch.share} (weight ${batch.expectedShare})`,
        )
        .join('; ')}`,
    );
    return file;
  } finally {
    await runtime.stop();
  }
}
