import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCamunda7Benchmark } from './camunda7-benchmark.ts';
import { runCamunda8Benchmark } from './camunda8-benchmark.ts';
import type { EngineBenchmarkOptions } from './engine-benchmark.ts';
import { engineResultName, FLAT_MEMORY_BASE, formatEngineReport } from './engine-report.ts';
import { writeResult } from './report.ts';

/**
 * `npm run bench -- --engine camunda8|camunda7`: runs the engine's benchmark, writes its JSON (by default
 * bench/results/<engine>-cancel-<N>[-rate<R>].json) and prints the report. A run larger than
 * FLAT_MEMORY_BASE compares the service's memory with the committed run of that size, same engine and rate.
 */
export async function runEngineBenchmark(options: EngineBenchmarkOptions, output?: string): Promise<void> {
  const result =
    options.engine === 'camunda8' ? await runCamunda8Benchmark(options) : await runCamunda7Benchmark(options);
  const baseFile = resolve(
    import.meta.dirname,
    'results',
    `${engineResultName({ ...result, options: { ...options, instances: FLAT_MEMORY_BASE } })}.json`,
  );
  const smaller =
    options.instances > FLAT_MEMORY_BASE && existsSync(baseFile)
      ? (JSON.parse(readFileSync(baseFile, 'utf8')) as typeof result)
      : undefined;
  // The JSON first: a long run's figures must not depend on the report printing.
  const file = writeResult(result, output, engineResultName(result));
  console.log(formatEngineReport(result, smaller));
  console.log(`\nJSON: ${file}`);
}
