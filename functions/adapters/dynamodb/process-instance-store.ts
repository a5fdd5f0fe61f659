import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { queryRetrySettings, readConfig } from '#commons/config.ts';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
import { TransientStoreError } from '#domain/errors.ts';
import type { QueryPlan } from '#domain/filter/plan-query.ts';
import {
  decideQueryRetry,
  type QueryRetrySettings,
} from '#domain/initialization/item-provider/query-retry-policy.ts';
import type { InstanceCommand } from '#domain/instance/instance-command.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { bucketOf, shardOf } from '#domain/keys.ts';
import type {
  BatchCommand,
  CommandResult,
  InstancePage,
  InstanceTombstone,
  KeyPage,
  PageRequest,
  ProcessInstanceStore,
} from '#ports/process-instance-store.ts';
import {
  INDEX_BUCKETS,
  INSTANCES_BY_SHARD_DEFINITION_INDEX,
  INSTANCES_BY_SHARD_INDEX,
} from '#resources/table-schema.ts';
import { batchWrite } from './batch-write.ts';
import { DDB_BATCH_STATEMENT_MAX } from './dynamodb-limits.ts';
import { ExpressionBuilder } from './expression.ts';
import { scanPages, updateIfConditionHolds } from './requests.ts';

/** BatchGetItem takes at most 100 keys per call (DynamoDB API limit). */
export const DDB_BATCH_GET_MAX = 100;

export type StoredInstance = Omit<ProcessInstance, 'batchOperationIds'> & {
  shardBucket: string;
  shardBucketProcessDefinitionId: string;
  batchOperationIds?: Set<string>;
};

/**
 * A deleted instance as stored: no `shardBucket` nor `shardBucketProcessDefinitionId`, so it drops out of both
 * per-shard indexes (sparse) and no query or search ever reads it; expires through DynamoDB TTL.
 */
export type StoredTombstone = {
  processInstanceKey: string;
  deletedDate: string;
  batchOperationIds?: Set<string>;
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: number;
};

const isTombstone = (item: Record<string, unknown>) => 'deletedDate' in item;

/**
 * Process instances in DynamoDB. Each item carries its shard × bucket and the same qualifying its
 * definition id, the keys of the two indexes the query planner chooses between (INDEX_BUCKETS).
 */
export class DynamoProcessInstanceStore implements ProcessInstanceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shardCount: number,
    /** How keys BatchGetItem left unprocessed are retried: the initialization's query retry policy. */
    private readonly unprocessedRetry: {
      settings: QueryRetrySettings;
      sleep: (ms: number) => Promise<void>;
    } = {
      settings: queryRetrySettings(readConfig({})),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    },
  ) {}

  async putInstances(instances: readonly ProcessInstance[]): Promise<void> {
    await batchWrite(
      this.db,
      this.tableName,
      instances.map((instance) => ({ PutRequest: { Item: instanceItem(instance, this.shardCount) } })),
    );
  }

  async getInstance(processInstanceKey: string): Promise<ProcessInstance | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { processInstanceKey }, ConsistentRead: true }),
    );
    return Item && !isTombstone(Item) ? fromItem(Item as StoredInstance) : undefined;
  }

  getInstances(processInstanceKeys: readonly string[]): Promise<ProcessInstance[]> {
    // BatchGetItem refuses a request that names a key twice (a job batch's items may share an instance).
    const keys = [...new Set(processInstanceKeys)];
    return transientAsStoreError(async () => (await this.getMany(keys, true)).instances);
  }

  async getTombstone(processInstanceKey: string): Promise<InstanceTombstone | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { processInstanceKey }, ConsistentRead: true }),
    );
    if (!Item || !isTombstone(Item)) return undefined;
    const { deletedDate, batchOperationIds } = Item as StoredTombstone;
    return {
      processInstanceKey,
      deletedDate,
      batchOperationIds: batchOperationIds ? [...batchOperationIds].sort() : [],
    };
  }

  queryShard(plan: QueryPlan, shard: number, page: PageRequest): Promise<InstancePage> {
    const consistent = page.consistency !== 'eventual';
    return transientAsStoreError(async () => {
      if (plan.access.kind === 'keys') return this.getShardKeys(plan.access.keys, shard, page, consistent);
      // The index holds keys only (a state change never writes it): the page's candidates are read
      // whole afterwards, and the caller's evaluator decides on them (no pushdown on unprojected fields).
      const indexed = await this.queryShardIndex(plan.access, shard, page);
      const found = await this.getMany(indexed.keys, consistent);
      return { retries: indexed.retries + found.retries, instances: found.instances, cursor: indexed.cursor };
    });
  }

  queryShardKeys(plan: QueryPlan, shard: number, page: Omit<PageRequest, 'consistency'>): Promise<KeyPage> {
    return transientAsStoreError(async () => {
      if (plan.access.kind !== 'keys') return this.queryShardIndex(plan.access, shard, page);
      // Pinned keys are checked to exist (a filter's item is an instance that is there).
      const found = await this.getShardKeys(plan.access.keys, shard, page, false);
      return { ...found, keys: found.instances.map((instance) => instance.processInstanceKey) };
    });
  }

  /**
   * Up to a page of one shard's keys from the index the access path names, bucket after bucket (each
   * in key order): the cursor carries the bucket and, within it, DynamoDB's own start key.
   */
  private async queryShardIndex(
    access: Exclude<QueryPlan['access'], { kind: 'keys' }>,
    shard: number,
    page: { cursor?: string; pageSize: number },
  ): Promise<KeyPage> {
    const keys: string[] = [];
    let retries = 0;
    let { bucket, startKey } = bucketCursorOf(page.cursor);
    while (bucket < INDEX_BUCKETS && keys.length < page.pageSize) {
      const builder = new ExpressionBuilder();
      const prefix = shardBucketOf(shard, bucket);
      const [IndexName, partition] =
        access.kind === 'processDefinitionId'
          ? [
              INSTANCES_BY_SHARD_DEFINITION_INDEX,
              ['shardBucketProcessDefinitionId', `${prefix}#${access.processDefinitionId}`] as const,
            ]
          : [INSTANCES_BY_SHARD_INDEX, ['shardBucket', prefix] as const];
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName,
          KeyConditionExpression: `${builder.name(partition[0])} = ${builder.value(partition[1])}`,
          ...builder.attributes(),
          Limit: page.pageSize - keys.length,
          ExclusiveStartKey: startKey,
        }),
      );
      retries += retriesOf(result);
      keys.push(...(result.Items ?? []).map((item) => String(item.processInstanceKey)));
      startKey = result.LastEvaluatedKey;
      if (!startKey) bucket++;
    }
    return {
      keys,
      retries,
      cursor: bucket < INDEX_BUCKETS ? encodeCursor({ bucket, startKey: startKey ?? null }) : undefined,
    };
  }

  async applyCommand(
    processInstanceKey: string,
    command: InstanceCommand,
    batchOperationKey?: string,
  ): Promise<CommandResult> {
    const builder = new ExpressionBuilder();
    const sets = Object.entries(command.set).map(
      ([attribute, value]) => `${builder.name(attribute)} = ${builder.value(value)}`,
    );
    const required = command.requiredStates.map((state) => builder.value(state)).join(', ');
    const conditions = [
      `attribute_exists(${builder.name('processInstanceKey')})`,
      `${builder.name('state')} IN (${required})`,
    ];
    let UpdateExpression = `SET ${sets.join(', ')}`;
    if (batchOperationKey !== undefined) {
      const batchIds = builder.name('batchOperationIds');
      UpdateExpression += ` ADD ${batchIds} ${builder.value(new Set([batchOperationKey]))}`;
      conditions.push(`NOT contains(${batchIds}, ${builder.value(batchOperationKey)})`);
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { processInstanceKey },
          UpdateExpression,
          ConditionExpression: conditions.join(' AND '),
          ...builder.attributes(),
          // The refused item comes back with the refusal: no second read to explain it.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { applied: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? unmarshall(error.Item as Record<string, AttributeValue>) : undefined;
      return {
        applied: false,
        current: old && !isTombstone(old) ? fromItem(old as StoredInstance) : undefined,
      };
    }
  }

  async applyBatchCommands(
    batchOperationKey: string,
    commands: readonly BatchCommand[],
  ): Promise<CommandResult[]> {
    const results: CommandResult[] = [];
    for (let start = 0; start < commands.length; start += DDB_BATCH_STATEMENT_MAX) {
      const group = commands.slice(start, start + DDB_BATCH_STATEMENT_MAX);
      results.push(
        ...(await this.executeStatements(group.map((c) => this.commandStatement(c, batchOperationKey)))),
      );
    }
    return results;
  }

  /**
   * The command as a PartiQL update, conditional as `applyCommand`'s: the instance exists (PartiQL
   * updates no missing item), is in a required state and is not yet marked by the batch.
   */
  private commandStatement({ processInstanceKey, command }: BatchCommand, batchOperationKey: string) {
    const entries = Object.entries(command.set);
    const sets = entries.map(([attribute]) => `SET "${attribute}" = ?`);
    const states = command.requiredStates.map(() => '?').join(', ');
    return {
      Statement:
        `UPDATE "${this.tableName}" ${sets.join(' ')} SET "batchOperationIds" = set_add("batchOperationIds", ?)` +
        ` WHERE "processInstanceKey" = ? AND "state" IN [${states}] AND NOT contains("batchOperationIds", ?)`,
      Parameters: [
        ...entries.map(([, value]) => value),
        new Set([batchOperationKey]),
        processInstanceKey,
        ...command.requiredStates,
        batchOperationKey,
      ],
      // The refused item comes back with the refusal: no second read to explain it.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /**
   * One BatchExecuteStatement (at most 25), the statements DynamoDB refused as throttled or conflicting
   * sent again with backoff (the SDK retries whole requests only); refusals by the condition are results.
   */
  private async executeStatements(
    statements: ReturnType<DynamoProcessInstanceStore['commandStatement']>[],
  ): Promise<CommandResult[]> {
    const results = new Array<CommandResult>(statements.length);
    let pending = statements.map((_, index) => index);
    for (let retriesSoFar = 0; ; retriesSoFar++) {
      const { Responses = [] } = await this.db.send(
        new BatchExecuteStatementCommand({ Statements: pending.map((index) => statements[index]) }),
      );
      const retry: number[] = [];
      pending.forEach((index, position) => {
        const error = Responses[position]?.Error;
        if (!error) results[index] = { applied: true };
        else if (error.Code === 'ConditionalCheckFailed') {
          // The document client hands the old item back unmarshalled.
          const old = error.Item as Record<string, unknown> | undefined;
          results[index] = {
            applied: false,
            current: old && !isTombstone(old) ? fromItem(old as StoredInstance) : undefined,
          };
        } else if (RETRYABLE_STATEMENT_ERRORS.has(error.Code ?? '')) retry.push(index);
        else throw new Error(`DynamoDB refused an instance write with ${error.Code}: ${error.Message}`);
      });
      if (retry.length === 0) return results;
      const decision = decideQueryRetry(this.unprocessedRetry.settings, { retryable: true, retriesSoFar });
      if (!decision.retry) {
        throw new TransientStoreError(
          `DynamoDB refused ${retry.length} of ${statements.length} instance writes as throttled or conflicting and ${decision.reason}`,
        );
      }
      await this.unprocessedRetry.sleep(decision.delayMs);
      pending = retry;
    }
  }

  private async getShardKeys(
    keys: readonly string[],
    shard: number,
    page: { cursor?: string; pageSize: number },
    consistent: boolean,
  ): Promise<InstancePage> {
    const shardKeys = keys.filter((key) => shardOf(key, this.shardCount) === shard);
    const start = page.cursor ? Number(page.cursor) : 0;
    const slice = shardKeys.slice(start, start + Math.min(page.pageSize, DDB_BATCH_GET_MAX));
    const { instances, retries } = await this.getMany(slice, consistent);
    const next = start + slice.length;
    return { retries, instances, cursor: next < shardKeys.length ? String(next) : undefined };
  }

  /**
   * The instances of `keys` that exist (tombstones left out), in key order, read with BatchGetItem
   * 100 at a time; keys DynamoDB left unprocessed are asked again with backoff.
   */
  private async getMany(
    keys: readonly string[],
    consistent: boolean,
  ): Promise<{ instances: ProcessInstance[]; retries: number }> {
    const found: ProcessInstance[] = [];
    let retries = 0;
    for (let start = 0; start < keys.length; start += DDB_BATCH_GET_MAX) {
      const slice = keys.slice(start, start + DDB_BATCH_GET_MAX);
      let pending: Record<string, unknown>[] = slice.map((processInstanceKey) => ({ processInstanceKey }));
      for (let retriesSoFar = 0; pending.length > 0; retriesSoFar++) {
        const result = await this.db.send(
          new BatchGetCommand({
            // Eventually consistent reads cost half a unit per 4 KB (ReadConsistency says when they do).
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } },
          }),
        );
        retries += retriesOf(result);
        found.push(
          ...(result.Responses?.[this.tableName] ?? [])
            .filter((item) => !isTombstone(item))
            .map((item) => fromItem(item as StoredInstance)),
        );
        pending = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
        if (pending.length === 0) break;
        // DynamoDB answered only in part (throttling, or the 16 MB response limit): back off, then ask again.
        const decision = decideQueryRetry(this.unprocessedRetry.settings, { retryable: true, retriesSoFar });
        if (!decision.retry) {
          throw new TransientStoreError(
            `BatchGetItem left ${pending.length} of ${slice.length} keys unprocessed and ${decision.reason}`,
          );
        }
        retries++;
        await this.unprocessedRetry.sleep(decision.delayMs);
      }
    }
    return {
      retries,
      instances: found.sort((a, b) => a.processInstanceKey.localeCompare(b.processInstanceKey)),
    };
  }
}

/**
 * Statement errors of a BatchExecuteStatement worth sending again: capacity and conflicts
 * (DynamoDB API reference, BatchStatementError); any other is a bug, not a condition.
 */
const RETRYABLE_STATEMENT_ERRORS = new Set([
  'ProvisionedThroughputExceeded',
  'ThrottlingError',
  'RequestLimitExceeded',
  'TransactionConflict',
  'InternalServerError',
]);

/**
 * Worth another try once the SDK's retries gave up, as the SDK itself classifies errors: throttling,
 * a retryable service error, a 5xx answer, a timeout or a dropped connection (ECONNRESET,
 * ECONNREFUSED, EPIPE, ETIMEDOUT). Anything else, a programming error (TypeError) above all, is not.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const classified = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(classified) || isTransientError(classified) || isServerError(classified);
}

/** Runs a read, its transient errors (after the SDK's own retries) as TransientStoreError: the query retry policy's. */
async function transientAsStoreError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof TransientStoreError || !isTransient(error)) throw error;
    throw new TransientStoreError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** A shard × bucket partition value of the instance indexes ("3#07"). */
function shardBucketOf(shard: number, bucket: number): string {
  return `${shard}#${String(bucket).padStart(2, '0')}`;
}

/** Where a shard's index page starts: a bucket, and DynamoDB's start key within it. */
function bucketCursorOf(cursor: string | undefined): { bucket: number; startKey?: Record<string, unknown> } {
  if (cursor === undefined) return { bucket: 0 };
  const value = decodeCursor(cursor) as { bucket?: unknown; startKey?: unknown } | undefined;
  if (!value || typeof value.bucket !== 'number' || typeof value.startKey !== 'object')
    throw new Error(`Not a cursor of this store: ${cursor}`);
  return {
    bucket: value.bucket,
    startKey: (value.startKey ?? undefined) as Record<string, unknown> | undefined,
  };
}

/** Attempts the SDK made beyond the first (its own retries with backoff). */
function retriesOf(result: { $metadata: { attempts?: number } }): number {
  return Math.max(0, (result.$metadata.attempts ?? 1) - 1);
}

/** An instance as stored: with its shard × bucket, alone and qualifying the definition id, the indexes' keys. */
export function instanceItem(instance: ProcessInstance, shardCount: number): StoredInstance {
  const { batchOperationIds, ...rest } = instance;
  const partition = indexPartitionOf(instance.processInstanceKey, shardCount);
  return {
    ...rest,
    shardBucket: partition,
    shardBucketProcessDefinitionId: `${partition}#${instance.processDefinitionId}`,
    // A string set (ADD-able) and absent when empty: DynamoDB stores no empty sets.
    ...(batchOperationIds.length > 0 ? { batchOperationIds: new Set(batchOperationIds) } : {}),
  };
}

function indexPartitionOf(processInstanceKey: string, shardCount: number): string {
  return shardBucketOf(
    shardOf(processInstanceKey, shardCount),
    bucketOf(processInstanceKey, shardCount, INDEX_BUCKETS),
  );
}

export function fromItem(item: StoredInstance): ProcessInstance {
  const {
    shardBucket: _bucket,
    shardBucketProcessDefinitionId: _index,
    batchOperationIds,
    ...instance
  } = item;
  return { ...instance, batchOperationIds: batchOperationIds ? [...batchOperationIds].sort() : [] };
}

/**
 * Gives the instances stored before the indexes were keyed by shard × bucket (a DATA_DIR of an older
 * version: items with `shard` and `shardProcessDefinitionId`) their new index keys, and drops the old
 * ones, so every instance is found again. One scan; nothing to do on a table without such items.
 * Returns how many instances it moved.
 */
export async function moveInstancesToBucketIndexes(
  db: DynamoDBDocumentClient,
  tableName: string,
  shardCount: number,
): Promise<number> {
  let moved = 0;
  for await (const page of scanPages(db, {
    TableName: tableName,
    FilterExpression: 'attribute_exists(#shard) AND attribute_not_exists(shardBucket)',
    ProjectionExpression: 'processInstanceKey, processDefinitionId',
    ExpressionAttributeNames: { '#shard': 'shard' },
  })) {
    for (const item of page) {
      const key = String(item.processInstanceKey);
      const partition = indexPartitionOf(key, shardCount);
      // Not if a tombstone replaced it meanwhile (a tombstone is out of every index).
      await updateIfConditionHolds(
        db,
        new UpdateCommand({
          TableName: tableName,
          Key: { processInstanceKey: key },
          UpdateExpression:
            'SET shardBucket = :partition, shardBucketProcessDefinitionId = :definition REMOVE #shard, shardProcessDefinitionId',
          ConditionExpression: 'attribute_exists(#shard)',
          ExpressionAttributeNames: { '#shard': 'shard' },
          ExpressionAttributeValues: {
            ':partition': partition,
            ':definition': `${partition}#${String(item.processDefinitionId)}`,
          },
        }),
      );
      moved++;
    }
  }
  return moved;
}
