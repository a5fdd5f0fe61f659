import { MAX_POLL_SECONDS } from '#domain/execution/check-progress.ts';
import { WORKER_MEMORY_MB } from '#resources/chunk-queue-settings.ts';
import { DEFAULT_MEMORY_MB } from '../lib/service-function.ts';
import type { InvocationCounts } from './invocations.ts';
import type { RequestCounts } from './request-counter.ts';

/**
 * Published on-demand prices in us-east-1, from the pages named, as last read on `asOf` (this machine
 * has no network: re-check them before quoting). Only the first paid tier of each; free tiers are left
 * out (a batch service should not count on them).
 */
export const PRICES = {
  asOf: '2025-06-01',
  region: 'us-east-1',
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ (since the 2024-11-01 price cut)
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  dynamoDbPerGbMonth: 0.25,
  // https://aws.amazon.com/sqs/pricing/ (FIFO queues, first 100 billion requests a month; a request is up to 64 KiB)
  sqsFifoPerMillionRequests: 0.5,
  // https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-seconds a month; billed per 1 ms)
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  // https://aws.amazon.com/step-functions/pricing/ (Standard workflows)
  stepFunctionsPerThousandTransitions: 0.025,
  // https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million requests a month)
  apiGatewayHttpPerMillionRequests: 1.0,
  // https://aws.amazon.com/cloudwatch/pricing/ (Logs ingestion, standard class; custom metrics, first
  // 10,000; standard alarms; dashboards beyond the first three)
  logsPerGbIngested: 0.5,
  metricPerMonth: 0.3,
  alarmPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  // https://aws.amazon.com/xray/pricing/ (traces recorded)
  xRayPerMillionTraces: 5.0,
} as const;

/**
 * How long a Lambda invocation runs on AWS, as a low–high range: a fixed part (runtime, handler, JSON,
 * logging) and one DynamoDB round trip per request on the invocation's critical path. DynamoDB answers
 * single-item requests in single-digit milliseconds in region (https://aws.amazon.com/dynamodb/,
 * "single-digit millisecond performance at any scale"); batches of 25 statements and transactions are
 * taken at the top of the range. Emulator wall time (a JVM on a shared laptop) is not AWS's.
 */
export const AWS_LATENCY_MS = {
  fixedPerInvocation: { low: 10, high: 50 },
  perRoundTrip: { low: 5, high: 25 },
} as const;

/**
 * What a function does per invocation on its critical path, in DynamoDB round trips (requests made
 * one after the other; the ones in flight together count once).
 */
export interface CriticalPath {
  /** Round trips of one worker invocation (one chunk). */
  worker: number;
  /** Round trips of any other function's invocation (a phase task or an API route). */
  other: number;
}

/**
 * A worker's round trips for one chunk: batch and chunk read together, the shard's claim, then per
 * round of groups in flight the batched write, and the chunk's record. The batch watch's reads run
 * beside the writes, off this path.
 */
export function workerRoundTrips(chunkSize: number, groupSize: number, concurrency: number): number {
  const rounds = Math.ceil(Math.ceil(chunkSize / groupSize) / concurrency);
  return 3 + rounds;
}

/** Log bytes per invocation: Lambda's START/END/REPORT lines and about two structured lines (a log, a metrics document). */
export const LOG_BYTES_PER_INVOCATION = 1500;
/** Share of invocations X-Ray records: the default sampling rule's 5% (plus one a second, not counted). */
export const TRACED_SHARE = 0.05;

/** Configured memory of each function (lib/): the worker's own, every other function the default. */
export function memoryMbOf(functionName: string): number {
  return functionName === 'Worker' ? WORKER_MEMORY_MB : DEFAULT_MEMORY_MB;
}

/**
 * Transitions the execution phase's poll loop takes on AWS for an execution phase this long: the
 * deployed schedule waits `firstSeconds`, doubling up to MAX_POLL_SECONDS, three states per round
 * (wait, check, choice). The embedded runtime polls every 250 ms instead, so its count is not AWS's.
 */
export function awsPollLoopTransitions(executionSeconds: number, firstSeconds: number): number {
  let waited = 0;
  let wait = firstSeconds;
  let rounds = 0;
  do {
    waited += wait;
    rounds++;
    wait = Math.min(wait * 2, MAX_POLL_SECONDS);
  } while (waited < executionSeconds);
  return rounds * 3;
}

export interface CostInput {
  requests: RequestCounts;
  invocations: InvocationCounts;
  /** Function names that are API routes: each invocation is one API Gateway request. */
  apiFunctions: ReadonlySet<string>;
  transitions: number;
  criticalPath: CriticalPath;
}

export interface Cost {
  dynamoDb: number;
  sqs: number;
  /** Lambda at the high end of the AWS latency range (`lambdaLow`: the low end). */
  lambda: number;
  lambdaLow: number;
  lambdaGbSeconds: { low: number; high: number };
  stepFunctions: number;
  apiGateway: number;
  logs: number;
  xRay: number;
  /** Everything, Lambda at the high end. */
  total: number;
}

/** The AWS bill of what was counted, in US dollars. */
export function costOf(input: CostInput): Cost {
  let writeUnits = 0;
  let readUnits = 0;
  let sqsRequests = 0;
  for (const [operation, count] of Object.entries(input.requests)) {
    if (operation.startsWith('DynamoDB.')) {
      writeUnits += count.writeUnits;
      readUnits += count.readUnits;
    }
    // Lambda's poller bills each receive, delete and send, retries included; the local poller's idle
    // long polls are not the batch's (on AWS the event source mapping polls whether or not it runs).
    if (operation.startsWith('SQS.')) sqsRequests += count.attempts - (count.idle ?? 0);
  }
  let lambdaRequests = 0;
  const gbSeconds = { low: 0, high: 0 };
  let apiRequests = 0;
  for (const [functionName, count] of Object.entries(input.invocations)) {
    lambdaRequests += count.invocations;
    const roundTrips = functionName === 'Worker' ? input.criticalPath.worker : input.criticalPath.other;
    const gb = memoryMbOf(functionName) / 1024;
    for (const end of ['low', 'high'] as const) {
      const ms = AWS_LATENCY_MS.fixedPerInvocation[end] + roundTrips * AWS_LATENCY_MS.perRoundTrip[end];
      gbSeconds[end] += count.invocations * (ms / 1000) * gb;
    }
    if (input.apiFunctions.has(functionName)) apiRequests += count.invocations;
  }
  const lambdaOf = (seconds: number) =>
    (lambdaRequests * PRICES.lambdaPerMillionRequests) / 1e6 + seconds * PRICES.lambdaArmPerGbSecond;
  const cost = {
    dynamoDb:
      (writeUnits * PRICES.dynamoDbPerMillionWriteUnits + readUnits * PRICES.dynamoDbPerMillionReadUnits) /
      1e6,
    sqs: (sqsRequests * PRICES.sqsFifoPerMillionRequests) / 1e6,
    lambda: lambdaOf(gbSeconds.high),
    stepFunctions: (input.transitions * PRICES.stepFunctionsPerThousandTransitions) / 1000,
    apiGateway: (apiRequests * PRICES.apiGatewayHttpPerMillionRequests) / 1e6,
    logs: (lambdaRequests * LOG_BYTES_PER_INVOCATION * PRICES.logsPerGbIngested) / 2 ** 30,
    xRay: (lambdaRequests * TRACED_SHARE * PRICES.xRayPerMillionTraces) / 1e6,
  };
  return {
    ...cost,
    lambdaLow: lambdaOf(gbSeconds.low),
    lambdaGbSeconds: gbSeconds,
    total: Object.values(cost).reduce((sum, value) => sum + value, 0),
  };
}

/** A cost scaled to a million items (for what grows with items: the baseline's calls, the service's per-item part). */
export function perMillionItems(cost: Cost, items: number): Cost {
  const scale = (value: number) => (value / items) * 1e6;
  return {
    dynamoDb: scale(cost.dynamoDb),
    sqs: scale(cost.sqs),
    lambda: scale(cost.lambda),
    lambdaLow: scale(cost.lambdaLow),
    lambdaGbSeconds: { low: scale(cost.lambdaGbSeconds.low), high: scale(cost.lambdaGbSeconds.high) },
    stepFunctions: scale(cost.stepFunctions),
    apiGateway: scale(cost.apiGateway),
    logs: scale(cost.logs),
    xRay: scale(cost.xRay),
    total: scale(cost.total),
  };
}

/**
 * What the deployment costs a month whether or not batches run (custom metrics, alarms, the
 * dashboard), and what a million items' records cost a month while BatchItems keeps them.
 */
export function monthlyCost(deployment: { metrics: number; alarms: number; dashboards: number }) {
  const fixed =
    deployment.metrics * PRICES.metricPerMonth +
    deployment.alarms * PRICES.alarmPerMonth +
    deployment.dashboards * PRICES.dashboardPerMonth;
  // A recorded item takes at most ITEM_OUTCOME_BYTES (135) in its chunk record.
  const storagePerMillionItems = ((1e6 * 135) / 2 ** 30) * PRICES.dynamoDbPerGbMonth;
  return { deployment: fixed, batchItemsStoragePerMillionItems: storagePerMillionItems };
}

/** Items in the batch a per-million figure prices. */
export const MILLION = 1_000_000;
/**
 * What a new on-demand table sustains at first (write units/s): the AWS time model's slower case, so
 * the poll loop of the modelled batch is its longer one (docs/performance.md, AWS time for 1,000,000).
 */
export const NEW_TABLE_WRITE_UNITS_PER_SECOND = 4000;
/** The one function whose invocations grow with items: one per chunk. */
const PER_ITEM_FUNCTION = 'Worker';
/** The state machine's poll task: on AWS one invocation per round of the backed-off poll loop. */
const POLL_FUNCTION = 'CheckProgress';

export interface CostSplitInput extends Omit<CostInput, 'transitions'> {
  /** Items of the measured run. */
  items: number;
  /** The run's transitions apart from the poll loop (they do not depend on the item count). */
  fixedTransitions: number;
  /** The deployed poll schedule's first wait (PROGRESS_POLL_SECONDS). */
  firstPollSeconds: number;
  /** The user's progress reads over the API (an API function): kept at the run's rate per second. */
  progressFunction: string;
  /** The run's end to end, seconds: the rate of the user's progress reads. */
  runSeconds: number;
}

/** A million items' cost: the per-item part times a million plus one batch of a million's own part. */
export interface CostPerMillion extends Cost {
  /** Everything that grows with items (DynamoDB, SQS, the worker's invocations), from the run × 10⁶ / N. */
  perItem: Cost;
  /** One batch of a million's fixed part: transitions, the phase tasks, the poll loop, the API calls. */
  perBatch: Cost;
  /** The batch of a million the per-batch part is priced for. */
  millionBatch: {
    executionSeconds: number;
    pollLoopTransitions: number;
    pollInvocations: number;
    progressRequests: number;
  };
}

/**
 * The cost of a million items, per item, per batch and in total. Per item: every DynamoDB and SQS
 * request and the worker's invocations, scaled linearly from the run (the few per-batch requests among
 * them, the poll task's reads for one, are scaled too: a small overstatement, on the safe side). Per
 * batch: what one batch of a million costs once, whatever its size: the fixed transitions and the
 * phase tasks as counted, and the poll loop on AWS's schedule for that batch's modelled execution
 * (a million write units at a new table's 4,000 a second), the user's progress reads at the run's rate
 * over it. Not 50 times a 20,000-item batch's fixed part.
 */
export function costPerMillionItems(input: CostSplitInput): CostPerMillion {
  const { invocations, items } = input;
  const perItemInvocations: InvocationCounts = {};
  const perBatchInvocations: InvocationCounts = {};
  for (const [name, count] of Object.entries(invocations)) {
    (name === PER_ITEM_FUNCTION ? perItemInvocations : perBatchInvocations)[name] = count;
  }
  const perItem = perMillionItems(
    costOf({ ...input, invocations: perItemInvocations, transitions: 0 }),
    items,
  );
  const executionSeconds = MILLION / NEW_TABLE_WRITE_UNITS_PER_SECOND;
  const pollLoopTransitions = awsPollLoopTransitions(executionSeconds, input.firstPollSeconds);
  // Three states per round, one of them the poll task.
  const pollInvocations = pollLoopTransitions / 3;
  const progress = invocations[input.progressFunction]?.invocations ?? 0;
  const progressRequests = Math.ceil((progress / input.runSeconds) * executionSeconds);
  const billed = { billedMs: 0 };
  if (invocations[POLL_FUNCTION])
    perBatchInvocations[POLL_FUNCTION] = { ...billed, invocations: pollInvocations };
  if (progress > 0)
    perBatchInvocations[input.progressFunction] = { ...billed, invocations: progressRequests };
  const perBatch = costOf({
    ...input,
    requests: {},
    invocations: perBatchInvocations,
    transitions: input.fixedTransitions + pollLoopTransitions,
  });
  return {
    ...sumOf(perItem, perBatch),
    perItem,
    perBatch,
    millionBatch: { executionSeconds, pollLoopTransitions, pollInvocations, progressRequests },
  };
}

function sumOf(a: Cost, b: Cost): Cost {
  return {
    dynamoDb: a.dynamoDb + b.dynamoDb,
    sqs: a.sqs + b.sqs,
    lambda: a.lambda + b.lambda,
    lambdaLow: a.lambdaLow + b.lambdaLow,
    lambdaGbSeconds: {
      low: a.lambdaGbSeconds.low + b.lambdaGbSeconds.low,
      high: a.lambdaGbSeconds.high + b.lambdaGbSeconds.high,
    },
    stepFunctions: a.stepFunctions + b.stepFunctions,
    apiGateway: a.apiGateway + b.apiGateway,
    logs: a.logs + b.logs,
    xRay: a.xRay + b.xRay,
    total: a.total + b.total,
  };
}
