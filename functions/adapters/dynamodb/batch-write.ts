import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { DDB_BATCH_WRITE_MAX } from './dynamodb-limits.ts';

const UNPROCESSED_RETRY_BASE_MS = 50;
const UNPROCESSED_RETRY_MAX = 10;

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * Writes requests to one table in groups of 25, retrying unprocessed ones (throttled by DynamoDB)
 * with exponential backoff until all are written: nothing is dropped silently.
 */
export async function batchWrite(
  db: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += DDB_BATCH_WRITE_MAX) {
    let pending: WriteRequest[] = requests.slice(start, start + DDB_BATCH_WRITE_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRY_MAX) {
        throw new Error(
          `DynamoDB left ${pending.length} writes to ${tableName} unprocessed after ${UNPROCESSED_RETRY_MAX} retries`,
        );
      }
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_RETRY_BASE_MS * 2 ** attempt));
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}
