import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BenchmarkResult, RequestFigures } from './benchmark.ts';
import type { Cost } from './cost-model.ts';

/** The targets of issues 6 and 15, checked against a result (and the 10k result for the flat-memory one). */
export function targetChecks(result: BenchmarkResult, smaller?: BenchmarkResult) {
  const checks: { target: string; figure: string; met: boolean }[] = [
    {
      target: 'DynamoDB write units per item ≤ 1.2',
      figure: result.batch.requests.dynamoDbWriteUnitsPerItem.toFixed(3),
      met: result.batch.requests.dynamoDbWriteUnitsPerItem <= 1.2,
    },
    {
      target: 'SQS requests per item ≤ 0.05',
      figure: result.batch.requests.sqsRequestsPerItem.toFixed(4),
      met: result.batch.requests.sqsRequestsPerItem <= 0.05,
    },
    {
      target: 'throughput ≥ 80% of the fastest emulator floor',
      figure: `${pct(result.ratios.serviceToFloor)} end to end, ${pct(result.ratios.executionToFloor)} execution phase`,
      met: result.ratios.serviceToFloor >= 0.8,
    },
    {
      target: 'estimated AWS cost ≤ $0.75 per million items',
      figure: `$${result.batch.costPerMillionItems.total.toFixed(2)}`,
      met: result.batch.costPerMillionItems.total <= 0.75,
    },
  ];
  if (result.ratios.serviceToBaseline !== undefined) {
    checks.push({
      target: '≥ 1.5× the naive baseline',
      figure: `${result.ratios.serviceToBaseline.toFixed(2)}× the baseline's items/s`,
      met: result.ratios.serviceToBaseline >= 1.5,
    });
  }
  if (smaller) {
    const ratio = result.batch.peakRssMiB.service / smaller.batch.peakRssMiB.service;
    checks.push({
      target: `service peak RSS at ${result.options.instances} ≤ 1.3× at ${smaller.options.instances}`,
      figure: `${ratio.toFixed(2)}× (${result.batch.peakRssMiB.service} vs ${smaller.batch.peakRssMiB.service} MiB)`,
      met: ratio <= 1.3,
    });
    checks.push({
      target: 'state-machine transitions independent of N (poll loop apart)',
      figure: `${result.batch.transitions.fixed} vs ${smaller.batch.transitions.fixed}`,
      met: result.batch.transitions.fixed === smaller.batch.transitions.fixed,
    });
  }
  return checks;
}

/** The result as plain-text tables for the console. */
export function formatReport(result: BenchmarkResult, smaller?: BenchmarkResult): string {
  const { batch, floor, baseline } = result;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(44)} ${value}`);
  // Processor time per process, and per thousand items: which side of the wire a window's time went to.
  const cpuRows = (cpuSeconds: Record<string, number> | undefined, items: number) => {
    for (const [role, seconds] of Object.entries(cpuSeconds ?? {}))
      row(`  CPU ${role}`, `${seconds} s, ${((seconds * 1000) / items).toFixed(2)} s per 1,000 items`);
  };
  lines.push(
    `Benchmark: ${result.options.operation} ${result.options.instances} instances, ${result.config.shards} shards, chunk ${result.config.chunkSize}, ${result.config.requestsInFlight} requests (${result.config.writesInFlight} writes) in flight`,
    `Code: ${result.code ? `commit ${result.code.commit}${result.code.uncommittedChanges ? ', with uncommitted changes' : ''}` : 'not a git checkout'}`,
    `Machine: ${result.machine.cpus} CPUs, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, load average ${result.loadAverage.start.toFixed(1)} at start, ${result.loadAverage.end.toFixed(1)} at end`,
    '',
    'Seeding (not counted)',
  );
  row('service seed', ms(result.seeding.serviceMs));
  if (result.seeding.baselineMs !== undefined) row('baseline seed', ms(result.seeding.baselineMs));
  if (result.warmUp) row(`warm-up batch (${result.warmUp.items} instances)`, ms(result.warmUp.durationMs));
  lines.push('', `Batch (${batch.state}: ${batch.completed} completed, ${batch.failed} failed)`);
  for (const [phase, duration] of Object.entries(batch.phasesMs)) row(`phase ${phase}`, ms(duration));
  row('end to end', ms(batch.endToEndMs));
  row('items/s', String(batch.itemsPerSecond));
  row(
    `chunk time p50 / p95 / p99 (${batch.chunkMs.count} chunks)`,
    `${batch.chunkMs.p50} / ${batch.chunkMs.p95} / ${batch.chunkMs.p99} ms`,
  );
  for (const [role, mib] of Object.entries(batch.peakRssMiB)) row(`peak RSS ${role}`, `${mib} MiB`);
  cpuRows(batch.cpuSeconds, result.options.instances);
  row(
    'state transitions (fixed + local poll loop)',
    `${batch.transitions.total} = ${batch.transitions.fixed} + ${batch.transitions.pollLoop} (${batch.transitions.pollChecks} checks)`,
  );
  row('poll loop transitions on AWS (5 s → 60 s)', String(batch.transitions.awsPollLoop));
  lines.push('', 'AWS requests of the batch (requests, per item, attempts, WRU, RRU)');
  lines.push(...requestRows(batch.requests, result.options.instances));
  lines.push('', 'Lambda (invocations, billed ms, memory)');
  for (const [name, count] of Object.entries(batch.lambda))
    row(name, `${count.invocations}, ${count.billedMs} ms, ${count.memoryMb} MB`);
  lines.push('', 'Estimated AWS cost');
  const million = batch.costPerMillionItems;
  lines.push(
    ...costRows('this batch', batch.cost),
    ...costRows('per item × 10⁶', million.perItem),
    ...costRows('one batch of 10⁶, fixed part', million.perBatch),
    ...costRows('per million items (sum)', million),
    `  ${'batch of 10⁶ as modelled'.padEnd(44)} execution ${million.millionBatch.executionSeconds} s, ${million.millionBatch.pollLoopTransitions} poll-loop transitions, ${million.millionBatch.progressRequests} progress reads`,
  );
  lines.push(
    '',
    `Monthly, apart from batches: deployment $${result.monthly.deployment.toFixed(2)}, BatchItems storage $${result.monthly.batchItemsStoragePerMillionItems.toFixed(4)} per million items kept`,
  );
  lines.push(
    '',
    `Emulator floor (the same conditional writes issued bare, on ${floor.batched.items} of the batch's instances)`,
  );
  row(
    `PartiQL batches of 25, ${floor.batched.requestsInFlight} in flight`,
    `${ms(floor.batched.durationMs)}, ${floor.batched.itemsPerSecond} items/s`,
  );
  cpuRows(floor.batched.cpuSeconds, floor.batched.items);
  row(
    `single UpdateItem, ${floor.single.requestsInFlight} in flight`,
    `${ms(floor.single.durationMs)}, ${floor.single.itemsPerSecond} items/s`,
  );
  cpuRows(floor.single.cpuSeconds, floor.single.items);
  row('service / fastest floor (end to end)', pct(result.ratios.serviceToFloor));
  row('service / single-write floor (end to end)', pct(result.ratios.serviceToSingleWriteFloor));
  row('service / floor (execution phase)', pct(result.ratios.executionToFloor));
  if (baseline) {
    lines.push('', 'Naive baseline (search pages + one cancel call per instance)');
    row('duration', ms(baseline.durationMs));
    row('items/s', String(baseline.itemsPerSecond));
    row('searches / canceled / refused', `${baseline.searches} / ${baseline.canceled} / ${baseline.refused}`);
    row('service / baseline (items/s)', `${result.ratios.serviceToBaseline?.toFixed(2)}×`);
    for (const [role, mib] of Object.entries(baseline.peakRssMiB)) row(`peak RSS ${role}`, `${mib} MiB`);
    cpuRows(baseline.cpuSeconds, result.options.instances);
    lines.push(...requestRows(baseline.requests, result.options.instances));
    lines.push(...costRows('baseline per million items', baseline.costPerMillionItems));
  }
  lines.push('', 'Targets');
  for (const check of targetChecks(result, smaller))
    lines.push(`  ${check.met ? 'met   ' : 'MISSED'} ${check.target}: ${check.figure}`);
  return lines.join('\n');
}

/**
 * Writes a result as JSON: to `output`, a path from the working directory as any command-line path
 * is, or by default to bench/results/<name>.json (the operation and the instance count, e.g. `cancel-20000`).
 */
export function writeResult(result: object, output: string | undefined, name: string): string {
  const file = output ? resolve(output) : resolve(import.meta.dirname, 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

function requestRows(requests: RequestFigures, items: number): string[] {
  const rows = Object.entries(requests.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([operation, count]) =>
        `  ${operation.padEnd(44)} ${count.requests}, ${(count.requests / items).toFixed(4)}/item, ${count.attempts}, ${round1(count.writeUnits)}, ${round1(count.readUnits)}`,
    );
  rows.push(
    `  ${'DynamoDB write requests per item'.padEnd(44)} ${requests.dynamoDbWritesPerItem.toFixed(3)}`,
    `  ${'DynamoDB write units per item'.padEnd(44)} ${requests.dynamoDbWriteUnitsPerItem.toFixed(3)}`,
    `  ${'SQS requests per item'.padEnd(44)} ${requests.sqsRequestsPerItem.toFixed(4)}`,
  );
  return rows;
}

function costRows(label: string, cost: Cost): string[] {
  return [
    `  ${label.padEnd(44)} $${cost.total.toFixed(4)} (DynamoDB ${cost.dynamoDb.toFixed(4)}, SQS ${cost.sqs.toFixed(4)}, Lambda ${cost.lambdaLow.toFixed(4)}–${cost.lambda.toFixed(4)}, Step Functions ${cost.stepFunctions.toFixed(4)}, API Gateway ${cost.apiGateway.toFixed(4)}, Logs ${cost.logs.toFixed(4)}, X-Ray ${cost.xRay.toFixed(4)})`,
  ];
}

const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
const round1 = (value: number) => Math.round(value * 10) / 10;
