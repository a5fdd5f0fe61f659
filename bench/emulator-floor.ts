import {
  BatchExecuteStatementCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** Statements per PartiQL batch (DynamoDB API reference, BatchExecuteStatement). */
const STATEMENTS_PER_BATCH = 25;

export interface FloorOptions {
  tableName: string;
  keys: (index: number) => string;
  count: number;
  /** Requests in flight: the service's own, so that the floor is the same load issued bare. */
  requestsInFlight: number;
}

export interface FloorRun {
  /** How many of the batch's instances were written (a sample of them in the largest runs). */
  items: number;
  durationMs: number;
  itemsPerSecond: number;
  requestsInFlight: number;
}

/**
 * The emulator floor: the fastest the same writes go here, issued bare through a client of its own.
 * Each is the service's conditional write (not yet marked by this run; the mark added), once in
 * PartiQL batches of 25 as the worker sends them (`batched`, the fastest form DynamoDB Local accepts),
 * and once as single conditional UpdateItem calls (`single`, the single-write floor).
 */
export async function measureEmulatorFloor(
  options: FloorOptions & { singleRequestsInFlight: number },
): Promise<{ batched: FloorRun; single: FloorRun }> {
  const batched = await run(options, options.requestsInFlight, STATEMENTS_PER_BATCH, batchedWrite);
  const single = await run(options, options.singleRequestsInFlight, 1, singleWrite);
  return { batched, single };
}

type Write = (client: DynamoDBClient, table: string, keys: string[], mark: string) => Promise<void>;

async function run(
  options: FloorOptions,
  inFlight: number,
  perRequest: number,
  write: Write,
): Promise<FloorRun> {
  const client = new DynamoDBClient({
    maxAttempts: 8,
    requestHandler: { httpAgent: { maxSockets: inFlight } },
  });
  const mark = `floor-${perRequest}-${Date.now()}`;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.count) {
      const from = next;
      next = Math.min(options.count, next + perRequest);
      const keys = Array.from({ length: next - from }, (_, offset) => options.keys(from + offset));
      await write(client, options.tableName, keys, mark);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const durationMs = performance.now() - started;
  client.destroy();
  return {
    items: options.count,
    durationMs: Math.round(durationMs),
    itemsPerSecond: Math.round((options.count / durationMs) * 1000),
    requestsInFlight: inFlight,
  };
}

const batchedWrite: Write = async (client, table, keys, mark) => {
  const { Responses = [] } = await client.send(
    new BatchExecuteStatementCommand({
      Statements: keys.map((key) => ({
        Statement: `UPDATE "${table}" SET "benchmarkFloor" = ? SET "batchOperationIds" = set_add("batchOperationIds", ?) WHERE "processInstanceKey" = ? AND NOT contains("batchOperationIds", ?)`,
        Parameters: [{ S: mark }, { SS: [mark] }, { S: key }, { S: mark }],
      })),
    }),
  );
  const failed = Responses.find((response) => response.Error);
  if (failed?.Error) throw new Error(`The floor's statement was refused: ${failed.Error.Code}`);
};

const singleWrite: Write = async (client, table, [key], mark) => {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { processInstanceKey: { S: key } },
        UpdateExpression: 'SET #floor = :mark ADD #batches :marks',
        ConditionExpression: 'attribute_exists(#key) AND NOT contains(#batches, :mark)',
        ExpressionAttributeNames: {
          '#floor': 'benchmarkFloor',
          '#key': 'processInstanceKey',
          '#batches': 'batchOperationIds',
        },
        ExpressionAttributeValues: { ':mark': { S: mark }, ':marks': { SS: [mark] } },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new Error(`The floor's write on ${key} was refused`);
    throw error;
  }
};
