import type { Camunda7BenchmarkResult } from './camunda7-benchmark.ts';
import type { Camunda8BenchmarkResult } from './camunda8-benchmark.ts';
import type { ComparisonRun, EngineBenchmarkResult } from './engine-benchmark.ts';

type Check = { target: string; figure: string; met: boolean };
type AnyEngineResult = Camunda8BenchmarkResult | Camunda7BenchmarkResult;

/** Runs at most this much larger than the 20,000 one still compare memory with it (issue 25: 20k and 100k). */
export const FLAT_MEMORY_BASE = 20_000;

/**
 * The targets of issues 25 (Camunda 8) and 26 (Camunda 7) against a result; `smaller` is a run of the same
 * engine and rate at fewer instances, for the flat-memory one.
 */
export function engineTargetChecks(result: AnyEngineResult, smaller?: AnyEngineResult): Check[] {
  const { ratios, batch } = result;
  const checks: Check[] = [
    {
      target: 'every item processed, none failed, none left on the engine',
      figure: `${batch.state}, ${batch.completed} completed, ${batch.failed} failed, ${result.target.activeAfter.service} left`,
      met:
        batch.state === 'COMPLETED' &&
        batch.completed === result.options.instances &&
        batch.failed === 0 &&
        result.target.activeAfter.service === 0,
    },
  ];
  if (result.options.engine === 'camunda8') {
    const floor = (result as Camunda8BenchmarkResult).comparisons?.floor?.itemsPerSecond;
    if (ratios.serviceToTargetLimit !== undefined)
      checks.push({
        target: "service's rate ÷ the target's limit ≥ 0.9",
        // A target slower than its limit never throttles: the figure says so rather than blame the service.
        figure:
          floor !== undefined && floor < result.options.targetRate
            ? `${ratio(ratios.serviceToTargetLimit)} (the limit was not reached: the target's own floor is ${floor} items/s)`
            : ratio(ratios.serviceToTargetLimit),
        met: ratios.serviceToTargetLimit >= 0.9,
      });
    else if (ratios.serviceToFloor !== undefined)
      checks.push({
        target: 'service ÷ floor ≥ 0.8 (target unthrottled)',
        figure: ratio(ratios.serviceToFloor),
        met: ratios.serviceToFloor >= 0.8,
      });
  }
  if (ratios.serviceToFasterOther !== undefined)
    checks.push({
      target: 'service ≥ 0.8 × the faster of the naive loop and the engine’s own batch',
      figure: ratio(ratios.serviceToFasterOther),
      met: ratios.serviceToFasterOther >= 0.8,
    });
  if (smaller) {
    const growth = batch.peakRssMiB.service / smaller.batch.peakRssMiB.service;
    checks.push({
      target: `service peak RSS at ${result.options.instances} ≤ 1.3× at ${smaller.options.instances}`,
      figure: `${ratio(growth)} (${batch.peakRssMiB.service} vs ${smaller.batch.peakRssMiB.service} MiB)`,
      met: growth <= 1.3,
    });
  }
  return checks;
}

/** The result as plain-text tables for the console. */
export function formatEngineReport(result: AnyEngineResult, smaller?: AnyEngineResult): string {
  const { batch, options } = result;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(48)} ${value}`);
  const usageRows = (run: Pick<ComparisonRun, 'peakRssMiB' | 'cpuSeconds' | 'engineCalls'>) => {
    for (const [role, mib] of Object.entries(run.peakRssMiB)) row(`peak RSS ${role}`, `${mib} MiB`);
    for (const [role, seconds] of Object.entries(run.cpuSeconds)) row(`CPU ${role}`, `${seconds} s`);
    for (const [call, count] of Object.entries(run.engineCalls)) row(`engine: ${call}`, String(count));
  };
  const comparisonRow = (label: string, run: ComparisonRun) =>
    row(label, `${ms(run.durationMs)} for ${run.items}, ${run.itemsPerSecond} items/s`);
  lines.push(
    `Benchmark: ${options.engine}, cancel ${options.instances} instances, chunk ${result.config.chunkSize}, ${result.config.workerConcurrency} items in flight${options.engine === 'camunda8' ? `, target limit ${options.targetRate > 0 ? `${options.targetRate}/s` : 'off'}` : ''}`,
    `Code: ${result.code ? `commit ${result.code.commit}${result.code.uncommittedChanges ? ', with uncommitted changes' : ''}` : 'not a git checkout'}`,
    `Machine: ${result.machine.cpus} CPUs, Node ${result.machine.node}, load average ${result.loadAverage.start.toFixed(1)} at start, ${result.loadAverage.end.toFixed(1)} at end`,
    '',
    'Seeding (not counted)',
  );
  for (const [set, duration] of Object.entries(result.seedingMs)) row(set, ms(duration));
  row(`warm-up batch (${result.warmUp.items} instances)`, ms(result.warmUp.durationMs));
  lines.push('', `Service batch (${batch.state}: ${batch.completed} completed, ${batch.failed} failed)`);
  for (const [phase, duration] of Object.entries(batch.phasesMs)) row(`phase ${phase}`, ms(duration));
  row('end to end', `${ms(batch.endToEndMs)}, ${batch.itemsPerSecond} items/s`);
  row(
    `chunk time p50 / p95 (${batch.chunkMs.count} chunks)`,
    `${batch.chunkMs.p50} / ${batch.chunkMs.p95} ms`,
  );
  usageRows(batch);
  lines.push('', 'Comparisons');
  if (result.options.engine === 'camunda8') {
    const { naive, floor } = (result as Camunda8BenchmarkResult).comparisons ?? {};
    if (naive) {
      comparisonRow(`naive loop (official client, ${naive.concurrency} in flight)`, naive);
      row(
        'searches / canceled / failed calls',
        `${naive.searches} / ${naive.canceled} / ${naive.failedCalls}`,
      );
      usageRows(naive);
    }
    for (const level of floor?.levels ?? []) {
      comparisonRow(`floor, bare cancels, ${level.concurrency} in flight`, level);
      row('  429s waited out / refused', `${level.throttled} / ${level.refused}`);
    }
  } else {
    const { naive, engineBatch } = (result as Camunda7BenchmarkResult).comparisons ?? {};
    if (naive) {
      comparisonRow(`naive loop (DELETE per instance, ${naive.concurrency} in flight)`, naive);
      row('queries / deleted / failed calls', `${naive.queries} / ${naive.deleted} / ${naive.failedCalls}`);
      usageRows(naive);
    }
    if (engineBatch) {
      comparisonRow("the engine's own batch (POST /process-instance/delete)", engineBatch);
      row('batch jobs / failed jobs', `${engineBatch.batchJobs} / ${engineBatch.failedJobs}`);
      usageRows(engineBatch);
    }
  }
  row('left ACTIVE on the engine after each run', JSON.stringify(result.target.activeAfter));
  lines.push('', 'Ratios (items/s)');
  for (const [name, value] of Object.entries(result.ratios)) row(name, ratio(value));
  lines.push('', 'Targets');
  for (const check of engineTargetChecks(result, smaller))
    lines.push(`  ${check.met ? 'met   ' : 'MISSED'} ${check.target}: ${check.figure}`);
  return lines.join('\n');
}

/** The result file's name: engine, operation, N, and the target's limit when it had one. */
export function engineResultName(result: EngineBenchmarkResult<unknown, unknown>): string {
  const { engine, instances, targetRate } = result.options;
  return `${engine}-cancel-${instances}${targetRate > 0 ? `-rate${targetRate}` : ''}`;
}

const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
