import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type BatchLifecycleCommand,
  type BatchOperation,
  type BatchOperationState,
  type BatchOperationType,
  type BatchShard,
  CLAIM_LAPSED,
  type EngineWait,
  type InFlightCounts,
  type LiveControls,
  type RecentRate,
} from '#domain/batch/batch-operation.ts';
import type { ChunkId } from '#domain/batch/chunk.ts';
import type {
  BatchCreation,
  BatchStore,
  BatchTransition,
  BatchWithShards,
  IdempotencyRecord,
} from '#ports/batch-store.ts';
import { BATCHES_BY_START_DATE_INDEX } from '#resources/table-schema.ts';
import {
  BATCH_RECORD,
  IDEMPOTENCY_RECORD,
  shardRecord,
  toBatchOperation,
  toBatchShard,
} from './batch-records.ts';
import { DDB_TRANSACT_MAX } from './dynamodb-limits.ts';
import { queryPages, scanPages, updateIfConditionHolds } from './requests.ts';

/**
 * Batch records in DynamoDB's Batches table: per batch, one batch record and one counter record per
 * shard (created together), its transitions, and the idempotency records of creation requests.
 */
export class DynamoBatchStore implements BatchStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly batchesTable: string,
  ) {}

  async createBatch(batch: BatchOperation, idempotency?: IdempotencyRecord): Promise<BatchCreation> {
    if (batch.shardCount + 2 > DDB_TRANSACT_MAX)
      throw new Error(`At most ${DDB_TRANSACT_MAX - 2} shards are supported`);
    const shards: BatchShard[] = Array.from({ length: batch.shardCount }, (_, shard) => ({
      shard,
      state: 'INITIALIZING',
      totalCount: 0,
      chunkCount: 0,
      chunksDone: 0,
      completedCount: 0,
      failedCount: 0,
      itemErrors: {},
    }));
    const idempotencyKey = idempotency && {
      batchOperationKey: idempotency.scope,
      record: IDEMPOTENCY_RECORD,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...(idempotency
              ? [
                  {
                    Put: {
                      TableName: this.batchesTable,
                      Item: {
                        ...idempotencyKey,
                        createdBatchOperationKey: batch.batchOperationKey,
                        requestHash: idempotency.requestHash,
                        expiresAt: idempotency.expiresAt,
                      },
                      // TTL deletes lazily: an expired record no longer binds the key.
                      ConditionExpression: 'attribute_not_exists(batchOperationKey) OR expiresAt < :now',
                      ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
                    },
                  },
                ]
              : []),
            {
              Put: {
                TableName: this.batchesTable,
                Item: { ...batch, record: BATCH_RECORD },
                ConditionExpression: 'attribute_not_exists(batchOperationKey)',
              },
            },
            ...shards.map((shard) => ({
              Put: {
                TableName: this.batchesTable,
                Item: {
                  ...shard,
                  batchOperationKey: batch.batchOperationKey,
                  record: shardRecord(shard.shard),
                },
              },
            })),
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      const keyUsed =
        idempotencyKey &&
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!keyUsed) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.batchesTable, Key: idempotencyKey, ConsistentRead: true }),
      );
      return {
        created: false,
        batchOperationKey: Item?.createdBatchOperationKey as string,
        requestHash: Item?.requestHash as string,
      };
    }
  }

  async getBatch(batchOperationKey: string): Promise<BatchWithShards | undefined> {
    // A search filter may name the empty string, which names no batch and which DynamoDB refuses as a key.
    if (batchOperationKey === '') return undefined;
    const records: Record<string, unknown>[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.batchesTable,
      KeyConditionExpression: 'batchOperationKey = :key',
      ExpressionAttributeValues: { ':key': batchOperationKey },
      ConsistentRead: true,
    })) {
      records.push(...page);
    }
    const batchRecord = records.find((record) => record.record === BATCH_RECORD);
    if (!batchRecord) return undefined;
    const shards = records
      .filter((record) => record.record !== BATCH_RECORD)
      .map(toBatchShard)
      .sort((a, b) => a.shard - b.shard);
    return { batch: toBatchOperation(batchRecord), shards };
  }

  async getBatchRecord(batchOperationKey: string): Promise<BatchOperation | undefined> {
    if (batchOperationKey === '') return undefined;
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        ConsistentRead: true,
      }),
    );
    return Item ? toBatchOperation(Item) : undefined;
  }

  async activateBatch(batchOperationKey: string, executionArn: string): Promise<void> {
    const key = { batchOperationKey, record: BATCH_RECORD };
    const activated = await updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: key,
        UpdateExpression: 'SET #state = :active, executionArn = :arn',
        ConditionExpression: '#state = :created',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':created': 'CREATED', ':arn': executionArn },
      }),
    );
    if (activated) return;
    // Already past CREATED (a retried step, or a recovery execution): only the execution is recorded.
    await this.db.send(
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: key,
        UpdateExpression: 'SET executionArn = :arn',
        ConditionExpression: 'attribute_exists(batchOperationKey)',
        ExpressionAttributeValues: { ':arn': executionArn },
      }),
    );
  }

  async *unfinishedBatches(): AsyncIterable<BatchOperation> {
    for await (const page of scanPages(this.db, {
      TableName: this.batchesTable,
      FilterExpression: '#record = :batch AND #state IN (:created, :active, :suspended, :canceled)',
      ExpressionAttributeNames: { '#record': 'record', '#state': 'state' },
      ExpressionAttributeValues: {
        ':batch': BATCH_RECORD,
        ':created': 'CREATED',
        ':active': 'ACTIVE',
        ':suspended': 'SUSPENDED',
        ':canceled': 'CANCELED',
      },
    })) {
      yield* page.map(toBatchOperation);
    }
  }

  async *listBatches(): AsyncIterable<BatchOperation> {
    for await (const page of queryPages(this.db, {
      TableName: this.batchesTable,
      IndexName: BATCHES_BY_START_DATE_INDEX,
      KeyConditionExpression: '#record = :batch',
      ExpressionAttributeNames: { '#record': 'record' },
      ExpressionAttributeValues: { ':batch': BATCH_RECORD },
      ScanIndexForward: false,
    })) {
      yield* page.map(toBatchOperation);
    }
  }

  changeControls(batchOperationKey: string, changes: LiveControls): Promise<boolean> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
        ConditionExpression: `#state IN (:created, :active, :suspended) AND ${NOT_CANCELING} AND attribute_not_exists(failureRequested)`,
        ExpressionAttributeNames: {
          '#state': 'state',
          ...Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
        },
        ExpressionAttributeValues: {
          ':created': 'CREATED',
          ':active': 'ACTIVE',
          ':suspended': 'SUSPENDED',
          ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
        },
      }),
    );
  }

  requestWindowPause(batchOperationKey: string, at: string): Promise<boolean> {
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: 'SET suspendRequestedAt = :at, windowPausedAt = :at ADD suspensions :one',
        ConditionExpression: `#state = :active AND ${NOT_CANCELING} AND attribute_not_exists(suspendRequestedAt) AND attribute_not_exists(failureRequested)`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':at': at, ':one': 1 },
      }),
    );
  }

  takeSchedule(batchOperationKey: string): Promise<boolean> {
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: 'REMOVE startAt',
        ConditionExpression: `#state = :created AND attribute_exists(startAt) AND ${NOT_CANCELING}`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':created': 'CREATED' },
      }),
    );
  }

  reportStall(batchOperationKey: string, stalledSince: string | undefined): Promise<void> {
    return this.setOrRemove(batchOperationKey, 'stalledSince', stalledSince);
  }

  reportEngineWait(batchOperationKey: string, wait: EngineWait | undefined): Promise<void> {
    return this.setOrRemove(batchOperationKey, 'engineWait', wait);
  }

  /** Sets one attribute of the batch's record, or removes it (undefined). */
  private async setOrRemove(batchOperationKey: string, attribute: string, value: unknown): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: value === undefined ? 'REMOVE #attribute' : 'SET #attribute = :value',
        ExpressionAttributeNames: { '#attribute': attribute },
        ExpressionAttributeValues: value === undefined ? undefined : { ':value': value },
      }),
    );
  }

  async transitionBatch(
    batchOperationKey: string,
    change: { from: readonly BatchOperationState[]; to: BatchOperationState; endDate?: string },
  ): Promise<BatchTransition> {
    const from = Object.fromEntries(change.from.map((state, index) => [`:from${index}`, state]));
    const suspends = change.to === 'SUSPENDED';
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.batchesTable,
          Key: { batchOperationKey, record: BATCH_RECORD },
          UpdateExpression: `SET #state = :to${change.endDate ? ', endDate = :endDate' : ''} REMOVE resumptionToken${suspends ? ' ADD suspensions :one' : ''}`,
          ConditionExpression: `#state IN (${Object.keys(from).join(', ')})`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':to': change.to,
            ...from,
            ...(change.endDate ? { ':endDate': change.endDate } : {}),
            ...(suspends ? { ':one': 1 } : {}),
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return {
        outcome: 'changed',
        batchOperationType: Attributes?.batchOperationType as BatchOperationType,
        resumptionToken: Attributes?.resumptionToken as string | undefined,
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!error.Item) return { outcome: 'missing' };
      return { outcome: 'refused', state: unmarshall(error.Item).state as BatchOperationState };
    }
  }

  async requestChange(
    batchOperationKey: string,
    command: BatchLifecycleCommand,
    at: string,
  ): Promise<BatchTransition> {
    const attempts = lifecycleAttempts[command];
    let old: Record<string, unknown> | undefined;
    for (const attempt of attempts) {
      const result = await this.conditionalUpdate(batchOperationKey, attempt, at);
      if (result.changed) {
        return {
          outcome: 'changed',
          batchOperationType: result.old?.batchOperationType as BatchOperationType,
          resumptionToken: result.old?.resumptionToken as string | undefined,
        };
      }
      old = result.old;
      if (!old) return { outcome: 'missing' };
    }
    // A repeated suspension of an ACTIVE batch whose suspension is already requested changes nothing.
    if (command === 'suspend' && old?.state === 'ACTIVE' && old.suspendRequestedAt && !old.cancelRequestedAt)
      return { outcome: 'changed', batchOperationType: old.batchOperationType as BatchOperationType };
    return {
      outcome: 'refused',
      state: old?.state as BatchOperationState,
      ...(old?.cancelRequestedAt ? { cancelRequestedAt: old.cancelRequestedAt as string } : {}),
    };
  }

  private async conditionalUpdate(
    batchOperationKey: string,
    attempt: LifecycleAttempt,
    at: string,
  ): Promise<{ changed: boolean; old?: Record<string, unknown> }> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.batchesTable,
          Key: { batchOperationKey, record: BATCH_RECORD },
          UpdateExpression: attempt.update,
          ConditionExpression: attempt.condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: Object.fromEntries(
            Object.entries({ ...STATE_VALUES, ':at': at, ':one': 1 }).filter(([name]) =>
              `${attempt.update} ${attempt.condition}`.includes(name),
            ),
          ),
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { changed: true, old: Attributes };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { changed: false, old: error.Item ? unmarshall(error.Item) : undefined };
    }
  }

  async claimShard(
    id: ChunkId,
    until: string,
    counts?: InFlightCounts,
    recentRate?: RecentRate,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.batchesTable,
                Key: { batchOperationKey: id.batchOperationKey, record: BATCH_RECORD },
                ConditionExpression:
                  '#state = :active AND attribute_not_exists(cancelRequestedAt) AND attribute_not_exists(suspendRequestedAt) AND attribute_not_exists(failureRequested)',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':active': 'ACTIVE' },
              },
            },
            {
              Update: {
                TableName: this.batchesTable,
                Key: { batchOperationKey: id.batchOperationKey, record: shardRecord(id.shard) },
                UpdateExpression: `SET running = :running${recentRate ? ', recentRate = :rate' : ''}`,
                ExpressionAttributeValues: {
                  ':running': { chunk: id.chunk, until, ...counts },
                  ...(recentRate ? { ':rate': recentRate } : {}),
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return false;
      throw error;
    }
  }

  async reportInFlight(id: ChunkId, counts: InFlightCounts, recentRate?: RecentRate): Promise<void> {
    await updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey: id.batchOperationKey, record: shardRecord(id.shard) },
        UpdateExpression: `SET running.completed = :completed, running.failed = :failed${recentRate ? ', recentRate = :rate' : ''}`,
        ConditionExpression: 'running.chunk = :chunk',
        ExpressionAttributeValues: {
          ':chunk': id.chunk,
          ':completed': counts.completed,
          ':failed': counts.failed,
          ...(recentRate ? { ':rate': recentRate } : {}),
        },
      }),
    );
  }

  async releaseShard(id: ChunkId, counts: InFlightCounts): Promise<void> {
    await updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey: id.batchOperationKey, record: shardRecord(id.shard) },
        UpdateExpression:
          'SET running.#until = :lapsed, running.completed = :completed, running.failed = :failed',
        ConditionExpression: 'running.chunk = :chunk',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: {
          ':chunk': id.chunk,
          ':lapsed': CLAIM_LAPSED,
          ':completed': counts.completed,
          ':failed': counts.failed,
        },
      }),
    );
  }

  requestFailure(batchOperationKey: string, reason: string): Promise<boolean> {
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: 'SET failureRequested = :reason',
        ConditionExpression: `#state = :active AND ${NOT_CANCELING} AND attribute_not_exists(failureRequested)`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':reason': reason, ':active': 'ACTIVE' },
      }),
    );
  }

  completeSuspension(batchOperationKey: string): Promise<boolean> {
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: 'SET #state = :suspended REMOVE suspendRequestedAt',
        ConditionExpression:
          '#state = :active AND attribute_exists(suspendRequestedAt) AND attribute_not_exists(cancelRequestedAt)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':suspended': 'SUSPENDED', ':active': 'ACTIVE' },
      }),
    );
  }

  awaitResumption(batchOperationKey: string, taskToken: string): Promise<boolean> {
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: 'SET resumptionToken = :token',
        ConditionExpression: '#state = :suspended AND attribute_not_exists(cancelRequestedAt)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':token': taskToken, ':suspended': 'SUSPENDED' },
      }),
    );
  }

  finishBatch(
    batchOperationKey: string,
    state: BatchOperationState,
    endDate: string,
    failureReason?: string,
  ): Promise<boolean> {
    return updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: `SET #state = :state, endDate = :endDate${failureReason ? ', failureReason = :reason' : ''}`,
        ConditionExpression: '#state IN (:created, :active, :suspended)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':state': state,
          ':endDate': endDate,
          ':created': 'CREATED',
          ':active': 'ACTIVE',
          ':suspended': 'SUSPENDED',
          ...(failureReason ? { ':reason': failureReason } : {}),
        },
      }),
    );
  }
}

interface LifecycleAttempt {
  condition: string;
  update: string;
}

const STATE_VALUES = {
  ':canceled': 'CANCELED',
  ':created': 'CREATED',
  ':active': 'ACTIVE',
  ':suspended': 'SUSPENDED',
};

const NOT_CANCELING = 'attribute_not_exists(cancelRequestedAt)';

/** Each command's conditional writes, tried in order until one holds. */
const lifecycleAttempts: Record<BatchLifecycleCommand, LifecycleAttempt[]> = {
  cancel: [
    // A scheduled batch has no execution yet: it ends CANCELED at once, and its schedule finds it so.
    {
      condition: '#state = :created AND attribute_exists(startAt)',
      update:
        'SET #state = :canceled, endDate = :at, cancelRequestedAt = if_not_exists(cancelRequestedAt, :at) REMOVE startAt',
    },
    {
      condition: '#state IN (:created, :active, :suspended)',
      update:
        'SET cancelRequestedAt = if_not_exists(cancelRequestedAt, :at) REMOVE resumptionToken, suspendRequestedAt',
    },
  ],
  suspend: [
    // No worker runs before the batch is ACTIVE: suspended at once (not a scheduled one: it is
    // canceled or started, nothing would start it after a resumption).
    {
      condition: `#state = :created AND ${NOT_CANCELING} AND attribute_not_exists(startAt)`,
      update: 'SET #state = :suspended REMOVE resumptionToken ADD suspensions :one',
    },
    {
      condition: `#state = :active AND ${NOT_CANCELING} AND attribute_not_exists(suspendRequestedAt)`,
      update: 'SET suspendRequestedAt = :at ADD suspensions :one',
    },
  ],
  resume: [
    {
      condition: `#state = :suspended AND ${NOT_CANCELING}`,
      update: 'SET #state = :active REMOVE resumptionToken, windowPausedAt',
    },
    // A suspension requested but not yet in effect is withdrawn.
    {
      condition: `#state = :active AND ${NOT_CANCELING} AND attribute_exists(suspendRequestedAt)`,
      update: 'REMOVE suspendRequestedAt, windowPausedAt',
    },
  ],
};
