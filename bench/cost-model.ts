import { MAX_POLL_SECONDS } from '#domain/execution/check-progress.ts';
import { WORKER_MEMORY_MB } from '#resources/chunk-queue-settings.ts';
import { DEFAULT_MEMORY_MB } from '../lib/service-function.ts';
import type { InvocationCounts } from './invocations.ts';
import type { RequestCounts } from './request-counter.ts';

/**
 * Published on-demand prices in us-east-1, as read on the date below from the pages named. Only the
 * first paid tier of each; free tiers are left out (a batch service should not count on them).
 */
export const PRICES = {
  asOf: '2025-06-01',
  region: 'us-east-1',
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ (since the 2024-11-01 price cut)
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  // https://aws.amazon.com/sqs/pricing/ (FIFO queues, first 100 billion requests a month; a request is up to 64 KiB)
  sqsFifoPerMillionRequests: 0.5,
  // https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-seconds a month)
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  // https://aws.amazon.com/step-functions/pricing/ (Standard workflows)
  stepFunctionsPerThousandTransitions: 0.025,
  // https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million requests a month)
  apiGatewayHttpPerMillionRequests: 1.0,
} as const;

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
}

export interface Cost {
  dynamoDb: number;
  sqs: number;
  lambda: number;
  stepFunctions: number;
  apiGateway: number;
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
    // Lambda's poller bills each receive, delete and send, retries included.
    if (operation.startsWith('SQS.')) sqsRequests += count.attempts;
  }
  let lambdaRequests = 0;
  let gbSeconds = 0;
  let apiRequests = 0;
  for (const [functionName, count] of Object.entries(input.invocations)) {
    lambdaRequests += count.invocations;
    gbSeconds += (count.billedMs / 1000) * (memoryMbOf(functionName) / 1024);
    if (input.apiFunctions.has(functionName)) apiRequests += count.invocations;
  }
  const cost = {
    dynamoDb:
      (writeUnits * PRICES.dynamoDbPerMillionWriteUnits + readUnits * PRICES.dynamoDbPerMillionReadUnits) /
      1e6,
    sqs: (sqsRequests * PRICES.sqsFifoPerMillionRequests) / 1e6,
    lambda:
      (lambdaRequests * PRICES.lambdaPerMillionRequests) / 1e6 + gbSeconds * PRICES.lambdaArmPerGbSecond,
    stepFunctions: (input.transitions * PRICES.stepFunctionsPerThousandTransitions) / 1000,
    apiGateway: (apiRequests * PRICES.apiGatewayHttpPerMillionRequests) / 1e6,
  };
  return { ...cost, total: Object.values(cost).reduce((sum, value) => sum + value, 0) };
}

/** A cost scaled to a million items. */
export function perMillionItems(cost: Cost, items: number): Cost {
  const scale = (value: number) => (value / items) * 1e6;
  return {
    dynamoDb: scale(cost.dynamoDb),
    sqs: scale(cost.sqs),
    lambda: scale(cost.lambda),
    stepFunctions: scale(cost.stepFunctions),
    apiGateway: scale(cost.apiGateway),
    total: scale(cost.total),
  };
}
