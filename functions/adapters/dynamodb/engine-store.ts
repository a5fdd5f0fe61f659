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
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Incident } from '#domain/incident/incident.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import type { Job } from '#domain/job/job.ts';
import type {
  EngineChange,
  EngineStore,
  IncidentAccess,
  IncidentPage,
  JobPage,
  Transition,
} from '#ports/engine-store.ts';
import {
  INCIDENTS_BY_INSTANCE_INDEX,
  INCIDENTS_BY_STATE_INDEX,
  JOBS_BY_INSTANCE_INDEX,
  JOBS_BY_TYPE_INDEX,
} from '#resources/table-schema.ts';
import { batchWrite } from './batch-write.ts';
import { DDB_TRANSACT_MAX } from './dynamodb-limits.ts';
import { ExpressionBuilder } from './expression.ts';
import { instanceItem, type StoredTombstone } from './process-instance-store.ts';
import { cursorOf, startKeyOf } from './requests.ts';

/** The instance attributes an engine step changes; a step applies only if they are still as it read them. */
const ENGINE_ATTRIBUTES = [
  // Changed by a migration only.
  'processDefinitionKey',
  'processDefinitionId',
  'processDefinitionName',
  'processDefinitionVersion',
  'processDefinitionVersionTag',
  'state',
  'endDate',
  'elementInstances',
  'variables',
  'incidents',
  'hasIncident',
  'hasRetriesLeft',
  // Set by a restart batch on the instance it restarted.
  'restartedAs',
] as const satisfies readonly (keyof ProcessInstance)[];

type StoredJob = Job & { activatableType?: string; activatableAt?: number };

export interface EngineTables {
  instances: string;
  jobs: string;
  incidents: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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
    const deletions: TransactItem[] = [
      ...(change.deleteJobs ?? []).map(({ jobKey }) => ({
        Delete: { TableName: this.tables.jobs, Key: { jobKey } },
      })),
      ...(change.deleteIncidents ?? []).map(({ incidentKey }) => ({
        Delete: { TableName: this.tables.incidents, Key: { incidentKey } },
      })),
    ];
    const items: TransactItem[] = [
      ...(change.createInstance
        ? [
            {
              Put: {
                TableName: this.tables.instances,
                Item: instanceItem(change.createInstance, this.shardCount),
                ConditionExpression: 'attribute_not_exists(processInstanceKey)',
              },
            },
          ]
        : []),
      ...(change.instance
        ? [
            change.deleteInstance
              ? this.instanceTombstone(change.instance, change.deleteInstance)
              : this.instanceUpdate(change.instance),
          ]
        : []),
      ...(change.createJobs ?? []).map((job) => ({
        Put: {
          TableName: this.tables.jobs,
          Item: jobItem(job),
          ConditionExpression: 'attribute_not_exists(jobKey)',
        },
      })),
      ...(change.jobs ?? []).map(({ before, after }) => ({
        Put: {
          TableName: this.tables.jobs,
          Item: jobItem(after),
          ConditionExpression: '#revision = :revision',
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':revision': before.revision },
        },
      })),
      ...(change.createIncidents ?? []).map((incident) => ({
        Put: {
          TableName: this.tables.incidents,
          Item: incident,
          ConditionExpression: 'attribute_not_exists(incidentKey)',
        },
      })),
      ...(change.incidents ?? []).map(({ before, after }) => ({
        Put: {
          TableName: this.tables.incidents,
          Item: after,
          ConditionExpression: '#state = :state',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':state': before.state },
        },
      })),
    ];
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

  /** The instance is still as read (its engine attributes) and not yet marked by the batches `after` adds. */
  private asRead(builder: ExpressionBuilder, { before, after }: Transition<ProcessInstance>) {
    const conditions = [`attribute_exists(${builder.name('processInstanceKey')})`];
    for (const attribute of ENGINE_ATTRIBUTES) {
      const name = builder.name(attribute);
      const old = before[attribute];
      conditions.push(
        old === undefined ? `attribute_not_exists(${name})` : `${name} = ${builder.value(old)}`,
      );
    }
    const marks = after.batchOperationIds.filter((id) => !before.batchOperationIds.includes(id));
    if (marks.length > 0) {
      const batchIds = builder.name('batchOperationIds');
      for (const id of marks) conditions.push(`NOT contains(${batchIds}, ${builder.value(id)})`);
    }
    return { conditions, marks };
  }

  /** The deleted instance's record: a tombstone out of every index (see StoredTombstone), if still as read. */
  private instanceTombstone(
    transition: Transition<ProcessInstance>,
    { deletedDate, expiresAt }: NonNullable<EngineChange['deleteInstance']>,
  ): TransactItem {
    const builder = new ExpressionBuilder();
    const { conditions } = this.asRead(builder, transition);
    const { batchOperationIds } = transition.after;
    const tombstone: StoredTombstone = {
      processInstanceKey: transition.before.processInstanceKey,
      deletedDate,
      expiresAt,
      ...(batchOperationIds.length > 0 ? { batchOperationIds: new Set(batchOperationIds) } : {}),
    };
    return {
      Put: {
        TableName: this.tables.instances,
        Item: tombstone,
        ConditionExpression: conditions.join(' AND '),
        ...builder.attributes(),
      },
    };
  }

  private instanceUpdate(transition: Transition<ProcessInstance>): TransactItem {
    const { before, after } = transition;
    const builder = new ExpressionBuilder();
    const sets: string[] = [];
    const removes: string[] = [];
    const { conditions, marks } = this.asRead(builder, transition);
    for (const attribute of ENGINE_ATTRIBUTES) {
      const name = builder.name(attribute);
      const [old, next] = [before[attribute], after[attribute]];
      if (JSON.stringify(old) === JSON.stringify(next)) continue;
      if (next === undefined) removes.push(name);
      else sets.push(`${name} = ${builder.value(next)}`);
    }
    if (before.processDefinitionId !== after.processDefinitionId) {
      // The definition index's key follows the definition (a migration).
      const { shardProcessDefinitionId } = instanceItem(after, this.shardCount);
      sets.push(`${builder.name('shardProcessDefinitionId')} = ${builder.value(shardProcessDefinitionId)}`);
    }
    // A batch's step marks the instance: applied only if not marked yet, so at most once per batch.
    const update = [
      ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
      ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
      ...(marks.length > 0
        ? [`ADD ${builder.name('batchOperationIds')} ${builder.value(new Set(marks))}`]
        : []),
    ];
    const common = {
      TableName: this.tables.instances,
      Key: { processInstanceKey: before.processInstanceKey },
      ConditionExpression: conditions.join(' AND '),
      ...builder.attributes(),
    };
    return update.length > 0
      ? { Update: { ...common, UpdateExpression: update.join(' ') } }
      : { ConditionCheck: common };
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

/** A job with its activation index keys, present only while a worker may take it (now or later). */
function jobItem(job: Job): StoredJob {
  if (job.state === 'ACTIVATABLE') {
    return { ...job, activatableType: job.type, activatableAt: job.retryAt ?? Date.parse(job.creationTime) };
  }
  if (job.state === 'ACTIVATED')
    return { ...job, activatableType: job.type, activatableAt: job.deadline ?? 0 };
  return job;
}

function fromJobItem(item: StoredJob): Job {
  const { activatableType: _type, activatableAt: _at, ...job } = item;
  return job;
}
