import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';

type Items = Record<string, unknown>[];
type StartKey = Record<string, unknown> | undefined;

/** Every page of a query, one at a time (never collected whole). */
export async function* queryPages(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
): AsyncIterable<Items> {
  let ExclusiveStartKey: StartKey;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Every page of a scan, resumed after `startKey` when given. */
export async function* scanPages(
  db: DynamoDBDocumentClient,
  input: ScanCommandInput,
  startKey?: StartKey,
): AsyncIterable<Items> {
  let ExclusiveStartKey = startKey;
  do {
    const page = await db.send(new ScanCommand({ ...input, ExclusiveStartKey }));
    yield page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Runs a conditional update; false when the condition did not hold (the change happened before). */
export async function updateIfConditionHolds(
  db: DynamoDBDocumentClient,
  command: UpdateCommand,
): Promise<boolean> {
  try {
    await db.send(command);
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** A page's LastEvaluatedKey as an opaque cursor (absent on the last page). */
export function cursorOf(lastEvaluatedKey: StartKey): string | undefined {
  return lastEvaluatedKey ? encodeCursor(lastEvaluatedKey) : undefined;
}

/** The ExclusiveStartKey a cursor made by `cursorOf` stands for. */
export function startKeyOf(cursor: string | undefined): StartKey {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  if (key === null || typeof key !== 'object' || Array.isArray(key))
    throw new Error(`Not a cursor of this store: ${cursor}`);
  return key as Record<string, unknown>;
}
