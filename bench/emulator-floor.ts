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
 * Each is the service's conditional cancel (FLOOR_STATES; not yet marked by this run, the mark added), in
 * PartiQL batches of 25 as the worker sends them (`batched`, the fastest form DynamoDB Local accepts),
 * or as single conditional UpdateItem calls (`single`, the single-write floor).
 */
export function measureEmulatorFloor(form: 'batched' | 'single', options: FloorOptions): Promise<FloorRun> {
  return form === 'batched'
    ? run(options, options.requestsInFlight, STATEMENTS_PER_BATCH, batchedWrite)
    : run(options, options.requestsInFlight, 1, singleWrite);
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

/**
 * The cancel the worker writes (process-instance-store.ts, `commandStatement` and `applyCommand`):
 * the same attributes set, the same conditions, the refused item asked back. The instances are
 * TERMINATED by the batch already, so the state condition names TERMINATED where the service names
 * ACTIVE: the same work for DynamoDB, and every write succeeds.
 */
const FLOOR_STATES = ['TERMINATED', 'SUSPENDED'];

const batchedWrite: Write = async (client, table, keys, mark) => {
  const endDate = new Date().toISOString();
  const { Responses = [] } = await client.send(
    new BatchExecuteStatementCommand({
      Statements: keys.map((key) => ({
        Statement: `UPDATE "${table}" SET "state" = ? SET "endDate" = ? SET "suspendedDate" = ? SET "batchOperationIds" = set_add("batchOperationIds", ?) WHERE "processInstanceKey" = ? AND "state" IN [?, ?] AND NOT contains("batchOperationIds", ?)`,
        Parameters: [
          { S: 'TERMINATED' },
          { S: endDate },
          { NULL: true },
          { SS: [mark] },
          { S: key },
          ...FLOOR_STATES.map((state) => ({ S: state })),
          { S: mark },
        ],
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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
        UpdateExpression:
          'SET #state = :terminated, #endDate = :endDate, #suspendedDate = :null ADD #batches :marks',
        ConditionExpression:
          'attribute_exists(#key) AND #state IN (:state0, :state1) AND NOT contains(#batches, :mark)',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#endDate': 'endDate',
          '#suspendedDate': 'suspendedDate',
          '#key': 'processInstanceKey',
          '#batches': 'batchOperationIds',
        },
        ExpressionAttributeValues: {
          ':terminated': { S: 'TERMINATED' },
          ':endDate': { S: new Date().toISOString() },
          ':null': { NULL: true },
          ':state0': { S: FLOOR_STATES[0] },
          ':state1': { S: FLOOR_STATES[1] },
          ':mark': { S: mark },
          ':marks': { SS: [mark] },
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new Error(`The floor's write on ${key} was refused`);
    throw error;
  }
};
