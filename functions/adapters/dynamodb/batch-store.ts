import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  BatchError,
  BatchOperation,
  BatchOperationState,
  BatchOperationType,
  BatchShard,
} from '#domain/batch/batch-operation.ts';
import {
  type Chunk,
  type ChunkId,
  type ChunkTally,
  chunkSortKey,
  type ItemOutcome,
  parseChunkSortKey,
} from '#domain/batch/chunk.ts';
import type {
  BatchCreation,
  BatchStore,
  BatchTransition,
  BatchWithShards,
  IdempotencyRecord,
} from '#ports/batch-store.ts';
import { BATCHES_BY_START_DATE_INDEX } from '#resources/table-schema.ts';
import { batchWrite } from './batch-write.ts';

/** TransactWriteItems takes at most 100 actions (DynamoDB API limit): one batch record plus its shards. */
export const DDB_TRANSACT_MAX = 100;
const BATCH_RECORD = 'BATCH';
const IDEMPOTENCY_RECORD = 'IDEMPOTENCY';
const shardRecord = (shard: number) => `SHARD#${String(shard).padStart(4, '0')}`;
const LAST_CHUNK = 999_999;

/**
 * Batches and their chunks in DynamoDB. The Batches table holds, per batch, one batch record and one
 * counter record per shard; the BatchItems table holds one record per chunk of item keys.
 */
export class DynamoBatchStore implements BatchStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly batchesTable: string,
    private readonly itemsTable: string,
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
    const records: Record<string, unknown>[] = [];
    for await (const page of this.pages({
      TableName: this.batchesTable,
      KeyConditionExpression: 'batchOperationKey = :key',
      ExpressionAttributeValues: { ':key': batchOperationKey },
      ConsistentRead: true,
    })) {
      records.push(...page);
    }
    const batchRecord = records.find((record) => record.record === BATCH_RECORD);
    if (!batchRecord) return undefined;
    const { record: _batch, ...batch } = batchRecord;
    const shards = records
      .filter((record) => record.record !== BATCH_RECORD)
      .map(({ record: _shard, batchOperationKey: _key, ...shard }) => shard as unknown as BatchShard)
      .sort((a, b) => a.shard - b.shard);
    return { batch: batch as unknown as BatchOperation, shards };
  }

  async activateBatch(batchOperationKey: string, executionArn: string): Promise<void> {
    const key = { batchOperationKey, record: BATCH_RECORD };
    const activated = await this.ignoringConditionFailure(
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
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
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
          ExclusiveStartKey,
        }),
      );
      for (const { record: _record, ...batch } of page.Items ?? []) yield batch as BatchOperation;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async *listBatches(): AsyncIterable<BatchOperation> {
    for await (const page of this.pages({
      TableName: this.batchesTable,
      IndexName: BATCHES_BY_START_DATE_INDEX,
      KeyConditionExpression: '#record = :batch',
      ExpressionAttributeNames: { '#record': 'record' },
      ExpressionAttributeValues: { ':batch': BATCH_RECORD },
      ScanIndexForward: false,
    })) {
      for (const { record: _record, ...batch } of page) yield batch as unknown as BatchOperation;
    }
  }

  async putChunks(chunks: readonly Chunk[]): Promise<void> {
    await batchWrite(
      this.db,
      this.itemsTable,
      chunks.map(({ batchOperationKey, shard, chunk, state, items }) => ({
        PutRequest: { Item: { batchOperationKey, chunk: chunkSortKey(shard, chunk), state, items } },
      })),
    );
  }

  async finishShardInitialization(
    batchOperationKey: string,
    shard: number,
    totals: { totalCount: number; chunkCount: number },
  ): Promise<void> {
    // Chunks beyond the count were written by an earlier, interrupted attempt: they are not items.
    const stale = await this.chunkKeysBetween(
      batchOperationKey,
      chunkSortKey(shard, totals.chunkCount),
      chunkSortKey(shard, LAST_CHUNK),
    );
    await batchWrite(
      this.db,
      this.itemsTable,
      stale.map((chunk) => ({ DeleteRequest: { Key: { batchOperationKey, chunk } } })),
    );
    await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: shardRecord(shard) },
        UpdateExpression: 'SET #state = :executing, totalCount = :total, chunkCount = :chunks',
        ConditionExpression: '#state = :initializing',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':executing': 'EXECUTING',
          ':initializing': 'INITIALIZING',
          ':total': totals.totalCount,
          ':chunks': totals.chunkCount,
        },
      }),
    );
  }

  async reportStall(batchOperationKey: string, stalledSince: string | undefined): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: stalledSince ? 'SET stalledSince = :since' : 'REMOVE stalledSince',
        ExpressionAttributeValues: stalledSince ? { ':since': stalledSince } : undefined,
      }),
    );
  }

  async failShard(batchOperationKey: string, shard: number, error: BatchError): Promise<void> {
    const failed = await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: shardRecord(shard) },
        UpdateExpression: 'SET #state = :failed, #error = :error',
        ConditionExpression: '#state = :initializing',
        ExpressionAttributeNames: { '#state': 'state', '#error': 'error' },
        ExpressionAttributeValues: { ':failed': 'FAILED', ':initializing': 'INITIALIZING', ':error': error },
      }),
    );
    if (!failed) return;
    // Chunks written before the query failed are not items of the batch: a failed shard executes nothing.
    const written = await this.chunkKeysBetween(
      batchOperationKey,
      chunkSortKey(shard, 0),
      chunkSortKey(shard, LAST_CHUNK),
    );
    await batchWrite(
      this.db,
      this.itemsTable,
      written.map((chunk) => ({ DeleteRequest: { Key: { batchOperationKey, chunk } } })),
    );
  }

  async *pendingChunks(batchOperationKey: string, shard: number): AsyncIterable<ChunkId> {
    for await (const page of this.pages({
      TableName: this.itemsTable,
      KeyConditionExpression: 'batchOperationKey = :key AND begins_with(chunk, :shard)',
      FilterExpression: '#state = :pending',
      ProjectionExpression: 'chunk',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':key': batchOperationKey,
        ':shard': shardPrefix(shard),
        ':pending': 'PENDING',
      },
    })) {
      for (const record of page) yield { batchOperationKey, ...parseChunkSortKey(record.chunk as string) };
    }
  }

  async getChunk(id: ChunkId): Promise<Chunk | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.itemsTable,
        Key: { batchOperationKey: id.batchOperationKey, chunk: chunkSortKey(id.shard, id.chunk) },
        ConsistentRead: true,
      }),
    );
    return Item ? toChunk(Item) : undefined;
  }

  async completeChunk(id: ChunkId, items: readonly ItemOutcome[], tally: ChunkTally): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.itemsTable,
                Key: { batchOperationKey: id.batchOperationKey, chunk: chunkSortKey(id.shard, id.chunk) },
                UpdateExpression: 'SET #state = :done, #items = :items',
                ConditionExpression: '#state = :pending',
                ExpressionAttributeNames: { '#state': 'state', '#items': 'items' },
                ExpressionAttributeValues: { ':done': 'DONE', ':pending': 'PENDING', ':items': items },
              },
            },
            { Update: this.shardCountersUpdate(id, tally) },
          ],
        }),
      );
      return true;
    } catch (error) {
      // The chunk's condition failed: an earlier delivery already recorded it and moved the counters.
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return false;
      }
      throw error;
    }
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

  awaitResumption(batchOperationKey: string, taskToken: string): Promise<boolean> {
    return this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.batchesTable,
        Key: { batchOperationKey, record: BATCH_RECORD },
        UpdateExpression: 'SET resumptionToken = :token',
        ConditionExpression: '#state = :suspended',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':token': taskToken, ':suspended': 'SUSPENDED' },
      }),
    );
  }

  /** The shard's counters and error summary, moved by one chunk's tally. */
  private shardCountersUpdate(id: ChunkId, tally: ChunkTally) {
    const errors = Object.entries(tally.errors);
    // ADD works on top-level attributes only; summary lines are keys of the shard's itemErrors map.
    const sums = errors.map(
      (_, index) => `itemErrors.#e${index} = if_not_exists(itemErrors.#e${index}, :zero) + :e${index}`,
    );
    return {
      TableName: this.batchesTable,
      Key: { batchOperationKey: id.batchOperationKey, record: shardRecord(id.shard) },
      UpdateExpression: `ADD chunksDone :one, completedCount :completed, failedCount :failed${sums.length ? ` SET ${sums.join(', ')}` : ''}`,
      ...(errors.length
        ? {
            ExpressionAttributeNames: Object.fromEntries(
              errors.map(([message], index) => [`#e${index}`, message]),
            ),
          }
        : {}),
      ExpressionAttributeValues: {
        ':one': 1,
        ':completed': tally.completed,
        ':failed': tally.failed,
        ...(errors.length ? { ':zero': 0 } : {}),
        ...Object.fromEntries(errors.map(([, count], index) => [`:e${index}`, count])),
      },
    };
  }

  finishBatch(
    batchOperationKey: string,
    state: BatchOperationState,
    endDate: string,
    failureReason?: string,
  ): Promise<boolean> {
    return this.ignoringConditionFailure(
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

  async *chunks(from: { batchOperationKey?: string; startAt?: ChunkId }): AsyncIterable<Chunk> {
    const { batchOperationKey, startAt } = from;
    if (batchOperationKey) {
      const start = startAt ? chunkSortKey(startAt.shard, startAt.chunk) : chunkSortKey(0, 0);
      for await (const page of this.pages({
        TableName: this.itemsTable,
        KeyConditionExpression: 'batchOperationKey = :key AND chunk >= :start',
        ExpressionAttributeValues: { ':key': batchOperationKey, ':start': start },
      })) {
        yield* page.map(toChunk);
      }
      return;
    }
    // Across batches: a scan in table order, resumed at a chunk by reading it and scanning past it.
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    if (startAt) {
      const first = await this.getChunk(startAt);
      if (first) yield first;
      ExclusiveStartKey = {
        batchOperationKey: startAt.batchOperationKey,
        chunk: chunkSortKey(startAt.shard, startAt.chunk),
      };
    }
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.itemsTable, ExclusiveStartKey }));
      yield* (page.Items ?? []).map(toChunk);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  private async chunkKeysBetween(batchOperationKey: string, from: string, to: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of this.pages({
      TableName: this.itemsTable,
      KeyConditionExpression: 'batchOperationKey = :key AND chunk BETWEEN :from AND :to',
      ProjectionExpression: 'chunk',
      ExpressionAttributeValues: { ':key': batchOperationKey, ':from': from, ':to': to },
    })) {
      keys.push(...page.map((record) => record.chunk as string));
    }
    return keys;
  }

  private async *pages(input: QueryCommandInput): AsyncIterable<Record<string, unknown>[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      yield page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** Runs a conditional update; false when the condition did not hold (the transition happened before). */
  private async ignoringConditionFailure(command: UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command);
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function shardPrefix(shard: number): string {
  return `${chunkSortKey(shard, 0).split('#')[0]}#`;
}

function toChunk(record: Record<string, unknown>): Chunk {
  const { shard, chunk } = parseChunkSortKey(record.chunk as string);
  return {
    batchOperationKey: record.batchOperationKey as string,
    shard,
    chunk,
    state: record.state as Chunk['state'],
    items: record.items as ItemOutcome[],
  };
}
