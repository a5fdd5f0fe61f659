import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { BatchAuditEntry } from '#domain/batch/batch-audit.ts';
import type { BatchAuditLog } from '#ports/batch-audit-log.ts';

/**
 * Audit entries in the Batches table under a partition of their own per batch (`AUDIT#<key>`), so
 * reading a batch (every worker does, per chunk) never reads its audit trail; sorted by time.
 */
const partitionOf = (batchOperationKey: string) => `AUDIT#${batchOperationKey}`;

export class DynamoBatchAuditLog implements BatchAuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: BatchAuditEntry): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...entry,
          batchOperationKey: partitionOf(entry.batchOperationKey),
          // Two actions in the same millisecond both stay.
          record: `${entry.timestamp}#${randomUUID()}`,
        },
      }),
    );
  }

  async entriesOf(batchOperationKey: string): Promise<BatchAuditEntry[]> {
    const entries: BatchAuditEntry[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'batchOperationKey = :key',
        ExpressionAttributeValues: { ':key': partitionOf(batchOperationKey) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const { record: _record, ...entry } of page.Items ?? [])
        entries.push({ ...entry, batchOperationKey } as BatchAuditEntry);
    }
    return entries;
  }
}
