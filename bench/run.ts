import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchmarkResult } from './benchmark.ts';

/**
 * `npm run bench -- --instances 100000 [--shards 8] [--chunk-size 1000] [--worker-concurrency 4]
 * [--operation cancel] [--no-baseline] [--scale] [--engine builtin|camunda8|camunda7] [--target-rate 500]`:
 * the benchmark on the embedded runtime; a table on the console, the JSON under bench/results/.
 * `--scale` is the million-instance run (no baseline: it would take hours); it is not part of CI.
 * `--engine camunda8|camunda7` runs the service against an external engine (bench/run-engine.ts): by
 * default 20,000 instances on Camunda 8 (`--target-rate`: the target's per-caller limit), 10,000 on Camunda 7.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// A scenario of its own (bench/<scenario>.ts) takes its own flags.
if (process.argv[2] === 'priority-share') {
  const { runPriorityShare } = await import('./priority-share.ts');
  console.log(`\nJSON: ${await runPriorityShare(process.argv.slice(3))}`);
  process.exit(0);
}
// Imported after the environment is set: the Powertools singletons read it when they load.
const { runBenchmark } = await import('./benchmark.ts');
const { formatReport, writeResult } = await import('./report.ts');

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    shards: { type: 'string', default: '8' },
    'chunk-size': { type: 'string' },
    'worker-concurrency': { type: 'string' },
    operation: { type: 'string', default: 'cancel' },
    'no-baseline': { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    output: { type: 'string' },
    engine: { type: 'string', default: 'builtin' },
    'target-rate': { type: 'string', default: '0' },
  },
});
const ENGINE_DEFAULT_INSTANCES: Record<string, number> = {
  builtin: 10_000,
  camunda8: 20_000,
  camunda7: 10_000,
};
if (values.operation !== 'cancel') {
  console.error(`Only --operation cancel exists so far (got ${values.operation})`);
  process.exit(1);
}
if (!(values.engine in ENGINE_DEFAULT_INSTANCES)) {
  console.error(`--engine takes builtin, camunda8 or camunda7 (got ${values.engine})`);
  process.exit(1);
}
const instances = values.scale
  ? 1_000_000
  : Number(values.instances ?? ENGINE_DEFAULT_INSTANCES[values.engine]);
const shards = Number(values.shards);
if (!Number.isInteger(instances) || instances < 1 || !Number.isInteger(shards) || shards < 1) {
  console.error('--instances and --shards take positive integers');
  process.exit(1);
}

const optional = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const targetRate = Number(values['target-rate']);
if (!Number.isFinite(targetRate) || targetRate < 0) {
  console.error('--target-rate takes requests per second, 0 for no limit');
  process.exit(1);
}
if (values.engine === 'camunda8' || values.engine === 'camunda7') {
  const { runEngineBenchmark } = await import('./run-engine.ts');
  await runEngineBenchmark(
    {
      engine: values.engine,
      instances,
      chunkSize: optional(values['chunk-size']),
      workerConcurrency: optional(values['worker-concurrency']),
      targetRate,
      baseline: !values['no-baseline'],
    },
    values.output,
  );
  process.exit(0);
}
const result = await runBenchmark({
  instances,
  shards,
  chunkSize: optional(values['chunk-size']),
  workerConcurrency: optional(values['worker-concurrency']),
  operation: 'cancel',
  baseline: !values['no-baseline'] && !values.scale,
});
// The flat-memory target compares with the committed run of the same operation a tenth the size (a
// million with 100,000, 100,000 with 10,000), when there is one.
const smallerFile = resolve(
  import.meta.dirname,
  'results',
  `${result.options.operation}-${instances / 10}.json`,
);
const smaller = existsSync(smallerFile)
  ? (JSON.parse(readFileSync(smallerFile, 'utf8')) as BenchmarkResult)
  : undefined;
// The JSON first: a long run's figures must not depend on the report printing.
const file = writeResult(result, values.output, `${result.options.operation}-${instances}`);
console.log(formatReport(result, smaller));
console.log(`\nJSON: ${file}`);
