import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TransientStoreError } from '#domain/errors.ts';
import type { JobPage } from '#ports/engine-store.ts';
import type { JobSegment, JobStore } from '#ports/job-store.ts';
import { fromJobItem, type StoredJob } from './job-records.ts';
import { isTransient } from './process-instance-store.ts';
import { cursorOf, startKeyOf } from './requests.ts';

/**
 * Jobs read in bulk from the Jobs table: a segment is a DynamoDB parallel-scan segment, so the shards
 * of a job batch each read their own disjoint part of the table, without an index (a job batch filters
 * on any job field, failed jobs included, which the activation index does not hold).
 */
export class DynamoJobStore implements JobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly jobsTable: string,
  ) {}

  async scanJobs(segment: JobSegment, page: { cursor?: string; limit: number }): Promise<JobPage> {
    try {
      return await this.scan(segment, page);
    } catch (error) {
      // Retryable as the instance store's reads are: a job batch's initialization backs off on it.
      if (!isTransient(error)) throw error;
      throw new TransientStoreError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  private async scan(segment: JobSegment, page: { cursor?: string; limit: number }): Promise<JobPage> {
    const result = await this.db.send(
      new ScanCommand({
        TableName: this.jobsTable,
        Limit: page.limit,
        ExclusiveStartKey: startKeyOf(page.cursor),
        // One segment is the whole table: a plain scan.
        ...(segment.segments > 1 ? { Segment: segment.segment, TotalSegments: segment.segments } : {}),
      }),
    );
    return {
      jobs: (result.Items ?? []).map((item) => fromJobItem(item as StoredJob)),
      cursor: cursorOf(result.LastEvaluatedKey),
    };
  }
}
