import { describe, expect, it } from 'vitest';
import { awsPollLoopTransitions, costOf, costPerMillionItems, PRICES } from '../../bench/cost-model.ts';

const ITEMS = 20_000;
const criticalPath = { worker: 5, other: 3 };
const apiFunctions = new Set(['CreateBatch', 'GetBatchOperation']);
const run = {
  requests: {
    'DynamoDB.BatchExecuteStatement': { requests: 800, attempts: 800, writeUnits: 20_000, readUnits: 0 },
    'SQS.ReceiveMessage': { requests: 300, attempts: 300, writeUnits: 0, readUnits: 0, idle: 100 },
  },
  invocations: {
    Worker: { invocations: 200, billedMs: 400_000 },
    CreateBatch: { invocations: 1, billedMs: 500 },
    InitializeShard: { invocations: 8, billedMs: 60_000 },
    CheckProgress: { invocations: 160, billedMs: 5_000 },
    GetBatchOperation: { invocations: 50, billedMs: 3_000 },
  },
  apiFunctions,
  criticalPath,
};

describe('the cost of a million items', () => {
  const million = costPerMillionItems({
    ...run,
    items: ITEMS,
    fixedTransitions: 22,
    firstPollSeconds: 5,
    progressFunction: 'GetBatchOperation',
    runSeconds: 50,
  });

  it('scales what grows with items linearly: DynamoDB, SQS and the worker', () => {
    expect(million.perItem.dynamoDb).toBeCloseTo(
      (20_000 * 50 * PRICES.dynamoDbPerMillionWriteUnits) / 1e6,
      9,
    );
    expect(million.perItem.sqs).toBeCloseTo((200 * 50 * PRICES.sqsFifoPerMillionRequests) / 1e6, 9);
    const worker = costOf({ ...run, invocations: { Worker: run.invocations.Worker }, transitions: 0 });
    expect(million.perItem.lambda).toBeCloseTo(worker.lambda * 50, 9);
    expect(million.perItem.stepFunctions).toBe(0);
  });

  it('counts one batch of a million once: fixed transitions, the poll loop of its modelled duration', () => {
    // 1,000,000 write units at a new table's 4,000/s: 250 s of execution.
    expect(million.millionBatch.executionSeconds).toBe(250);
    expect(million.millionBatch.pollLoopTransitions).toBe(awsPollLoopTransitions(250, 5));
    expect(million.perBatch.stepFunctions).toBeCloseTo(
      ((22 + million.millionBatch.pollLoopTransitions) * PRICES.stepFunctionsPerThousandTransitions) / 1000,
      9,
    );
    expect(million.millionBatch.pollInvocations).toBe(million.millionBatch.pollLoopTransitions / 3);
    // The user's progress reads at the run's rate (one a second) over 250 s, and the creation call.
    expect(million.millionBatch.progressRequests).toBe(250);
    expect(million.perBatch.apiGateway).toBeCloseTo((251 * PRICES.apiGatewayHttpPerMillionRequests) / 1e6, 9);
    expect(million.perBatch.dynamoDb).toBe(0);
  });

  it('totals the two parts, line by line', () => {
    expect(million.total).toBeCloseTo(million.perItem.total + million.perBatch.total, 12);
    expect(million.stepFunctions).toBeCloseTo(million.perBatch.stepFunctions, 12);
  });
});
