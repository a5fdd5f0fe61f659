import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Incident } from '#domain/incident/incident.ts';
import type { Job } from '#domain/job/job.ts';
import type {
  EngineChange,
  EngineStore,
  IncidentAccess,
  IncidentPage,
  JobPage,
} from '#ports/engine-store.ts';
import {
  INCIDENTS_BY_INSTANCE_INDEX,
  INCIDENTS_BY_STATE_INDEX,
  JOBS_BY_INSTANCE_INDEX,
  JOBS_BY_TYPE_INDEX,
} from '#resources/table-schema.ts';
import { batchWrite } from './batch-write.ts';
import { DDB_TRANSACT_MAX } from './dynamodb-limits.ts';
import { type EngineTables, engineStepWrites, type TransactItem } from './engine-commit.ts';
import { fromJobItem, type StoredJob } from './job-records.ts';
import { cursorOf, startKeyOf } from './requests.ts';

/**
 * Jobs, incidents and the instance changes of engine steps in DynamoDB. A step is one transaction
 * (one conditional write when it touches a single record). The instance is updated attribute by
 * attribute, never replaced, so what other batches record on it (batchOperationIds) stays untouched;
 * batch keys new in `after.batchOperationIds` are added, on condition that they are not there yet.
 */
export class DynamoEngineStore implements EngineStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: EngineTables,
    private readonly shardCount: number,
  ) {}

  async commit(change: EngineChange): Promise<boolean> {
    const { items, deletions } = engineStepWrites(change, this.tables, this.shardCount);
    if (items.length + deletions.length <= DDB_TRANSACT_MAX) items.push(...deletions);
    else await this.deleteAhead(change);
    if (items.length === 0) return true;
    if (items.length > DDB_TRANSACT_MAX) {
      throw new Error(`An engine step of ${items.length} writes exceeds a transaction's ${DDB_TRANSACT_MAX}`);
    }
    try {
      if (items.length === 1) await this.writeOne(items[0]);
      else await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if (
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed')
      ) {
        return false;
      }
      throw error;
    }
  }

  /** A single write needs no transaction (which would cost twice). */
  private async writeOne(item: TransactItem): Promise<void> {
    if (item.Put) await this.db.send(new PutCommand(item.Put));
    else if (item.Update) await this.db.send(new UpdateCommand(item.Update));
    else if (item.Delete) await this.db.send(new DeleteCommand(item.Delete));
    else throw new Error('An engine step wrote neither a put, an update nor a delete');
  }

  /** Too many records for one transaction: they go first, unconditionally (deleting twice is harmless). */
  private async deleteAhead(change: EngineChange): Promise<void> {
    await batchWrite(
      this.db,
      this.tables.jobs,
      (change.deleteJobs ?? []).map(({ jobKey }) => ({ DeleteRequest: { Key: { jobKey } } })),
    );
    await batchWrite(
      this.db,
      this.tables.incidents,
      (change.deleteIncidents ?? []).map(({ incidentKey }) => ({ DeleteRequest: { Key: { incidentKey } } })),
    );
  }

  async getJob(jobKey: string): Promise<Job | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.jobs, Key: { jobKey }, ConsistentRead: true }),
    );
    return Item ? fromJobItem(Item as StoredJob) : undefined;
  }

  async findActivatableJobs(
    type: string,
    now: number,
    page: { cursor?: string; limit: number },
  ): Promise<JobPage> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.jobs,
        IndexName: JOBS_BY_TYPE_INDEX,
        KeyConditionExpression: 'activatableType = :type AND activatableAt <= :now',
        ExpressionAttributeValues: { ':type': type, ':now': now },
        Limit: page.limit,
        ExclusiveStartKey: startKeyOf(page.cursor),
      }),
    );
    return {
      jobs: (result.Items ?? []).map((item) => fromJobItem(item as StoredJob)),
      cursor: cursorOf(result.LastEvaluatedKey),
    };
  }

  openJobsOf(processInstanceKey: string): Promise<Job[]> {
    return this.queryJobsOf({
      FilterExpression: '#state IN (:activatable, :activated, :failed)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':key': processInstanceKey,
        ':activatable': 'ACTIVATABLE',
        ':activated': 'ACTIVATED',
        ':failed': 'FAILED',
      },
    });
  }

  jobsOf(processInstanceKey: string): Promise<Job[]> {
    return this.queryJobsOf({
      ExpressionAttributeValues: { ':key': processInstanceKey },
    });
  }

  /** An instance's jobs through the by-instance index; the filter's values bind `:key` to the instance key. */
  private async queryJobsOf(
    filter: Pick<
      QueryCommandInput,
      'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<Job[]> {
    const jobs: Job[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tables.jobs,
          IndexName: JOBS_BY_INSTANCE_INDEX,
          KeyConditionExpression: 'processInstanceKey = :key',
          ...filter,
          ExclusiveStartKey,
        }),
      );
      jobs.push(...(result.Items ?? []).map((item) => fromJobItem(item as StoredJob)));
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return jobs;
  }

  async getIncident(incidentKey: string): Promise<Incident | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.incidents, Key: { incidentKey }, ConsistentRead: true }),
    );
    return Item as Incident | undefined;
  }

  async queryIncidents(
    access: IncidentAccess,
    page: { cursor?: string; limit: number },
  ): Promise<IncidentPage> {
    const common = {
      TableName: this.tables.incidents,
      Limit: page.limit,
      ExclusiveStartKey: startKeyOf(page.cursor),
    };
    const result =
      access.kind === 'all'
        ? await this.db.send(new ScanCommand(common))
        : await this.db.send(
            new QueryCommand({
              ...common,
              ...(access.kind === 'processInstance'
                ? {
                    IndexName: INCIDENTS_BY_INSTANCE_INDEX,
                    KeyConditionExpression: 'processInstanceKey = :value',
                    ExpressionAttributeValues: { ':value': access.processInstanceKey },
                  }
                : {
                    IndexName: INCIDENTS_BY_STATE_INDEX,
                    KeyConditionExpression: '#state = :value',
                    ExpressionAttributeNames: { '#state': 'state' },
                    ExpressionAttributeValues: { ':value': access.state },
                  }),
            }),
          );
    return { incidents: (result.Items ?? []) as Incident[], cursor: cursorOf(result.LastEvaluatedKey) };
  }
}
