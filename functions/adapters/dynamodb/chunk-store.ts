import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BatchError } from '#domain/batch/batch-operation.ts';
import {
  type Chunk,
  type ChunkId,
  type ChunkTally,
  chunkSortKey,
  type ItemOutcome,
  parseChunkSortKey,
} from '#domain/batch/chunk.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import {
  LAST_CHUNK,
  type PackedItems,
  packItems,
  shardPrefix,
  shardRecord,
  toChunk,
} from './batch-records.ts';
import { batchWrite } from './batch-write.ts';
import { queryPages, scanPages, updateIfConditionHolds } from './requests.ts';

/**
 * Days a recorded chunk (its items' outcomes) is kept before DynamoDB's TTL deletes it: long enough
 * to search a batch's items, retry its failed ones and download its report for a month after it ran,
 * as Camunda's own history retention (30 days by default); the batch record and its counters stay.
 * Pending chunks carry no expiry: a batch suspended for longer loses nothing.
 */
export const BATCH_ITEMS_RETENTION_DAYS = 30;

/**
 * Item chunks in DynamoDB's BatchItems table (one record per chunk of item keys and, once executed,
 * their outcomes), and the shard counter records of the Batches table that chunks add up to.
 */
export class DynamoChunkStore implements ChunkStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly batchesTable: string,
    private readonly itemsTable: string,
  ) {}

  async putChunks(chunks: readonly Chunk[]): Promise<void> {
    await batchWrite(
      this.db,
      this.itemsTable,
      chunks.map(({ batchOperationKey, shard, chunk, state, items }) => ({
        PutRequest: {
          Item: { batchOperationKey, chunk: chunkSortKey(shard, chunk), state, ...packItems(items) },
        },
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
    await updateIfConditionHolds(
      this.db,
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

  async failShard(batchOperationKey: string, shard: number, error: BatchError): Promise<void> {
    const failed = await updateIfConditionHolds(
      this.db,
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
    for await (const page of queryPages(this.db, {
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

  async recordSent(id: ChunkId, itemKeys: readonly string[]): Promise<void> {
    if (itemKeys.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.itemsTable,
        Key: { batchOperationKey: id.batchOperationKey, chunk: chunkSortKey(id.shard, id.chunk) },
        // A string set: a repeated send of the same item adds nothing.
        UpdateExpression: 'ADD sentItemKeys :keys',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':keys': new Set(itemKeys), ':pending': 'PENDING' },
      }),
    );
  }

  async holdChunk(id: ChunkId, items: readonly ItemOutcome[]): Promise<void> {
    const { sets, removes, names, values } = packedItemsUpdate(packItems(items));
    await updateIfConditionHolds(
      this.db,
      new UpdateCommand({
        TableName: this.itemsTable,
        Key: { batchOperationKey: id.batchOperationKey, chunk: chunkSortKey(id.shard, id.chunk) },
        // The sent marks stay: the items still pending may have been sent.
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { ...names, '#state': 'state' },
        ExpressionAttributeValues: { ...values, ':pending': 'PENDING' },
      }),
    );
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
                ...recordedChunk(packItems(items)),
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
      // The chunk is recorded: the worker's claim on the shard ends with it.
      UpdateExpression: `ADD chunksDone :one, completedCount :completed, failedCount :failed${sums.length ? ` SET ${sums.join(', ')}` : ''} REMOVE running`,
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

  async *read(from: { batchOperationKey?: string; startAt?: ChunkId }): AsyncIterable<Chunk> {
    const { batchOperationKey, startAt } = from;
    if (batchOperationKey) {
      const start = startAt ? chunkSortKey(startAt.shard, startAt.chunk) : chunkSortKey(0, 0);
      for await (const page of queryPages(this.db, {
        TableName: this.itemsTable,
        KeyConditionExpression: 'batchOperationKey = :key AND chunk >= :start',
        ExpressionAttributeValues: { ':key': batchOperationKey, ':start': start },
      })) {
        yield* page.map(toChunk);
      }
      return;
    }
    // Across batches: a scan in table order, resumed at a chunk by reading it and scanning past it.
    if (startAt) {
      const first = await this.getChunk(startAt);
      if (first) yield first;
    }
    const resumeAfter = startAt && {
      batchOperationKey: startAt.batchOperationKey,
      chunk: chunkSortKey(startAt.shard, startAt.chunk),
    };
    for await (const page of scanPages(this.db, { TableName: this.itemsTable }, resumeAfter)) {
      yield* page.map(toChunk);
    }
  }

  private async chunkKeysBetween(batchOperationKey: string, from: string, to: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.itemsTable,
      KeyConditionExpression: 'batchOperationKey = :key AND chunk BETWEEN :from AND :to',
      ProjectionExpression: 'chunk',
      ExpressionAttributeValues: { ':key': batchOperationKey, ':from': from, ':to': to },
    })) {
      keys.push(...page.map((record) => record.chunk as string));
    }
    return keys;
  }
}

/**
 * The update that records a pending chunk's outcomes (packed) and its expiry, on condition that it is
 * still pending: the marker that makes the recording, and the counters moved with it, happen once.
 */
function recordedChunk(packed: PackedItems) {
  const { sets, removes, names, values } = packedItemsUpdate(packed);
  return {
    // The sent marks served the pending chunk only: its outcomes are recorded now.
    UpdateExpression: `SET #state = :done, expiresAt = :expiresAt, ${sets.join(', ')} REMOVE ${[...removes, 'sentItemKeys'].join(', ')}`,
    ConditionExpression: '#state = :pending',
    ExpressionAttributeNames: { ...names, '#state': 'state' },
    ExpressionAttributeValues: {
      ...values,
      ':done': 'DONE',
      ':pending': 'PENDING',
      ':expiresAt': Math.floor(Date.now() / 1000) + BATCH_ITEMS_RETENTION_DAYS * 86_400,
    },
  };
}

/** The packed fields that may be absent (a chunk without errors, dates or job items). */
const OPTIONAL_PACKED_FIELDS = ['instanceKeys', 'dates', 'dateOf', 'errors'] as const;

/**
 * The parts of an update that write a chunk's items packed: the fields present are set, the optional
 * ones absent removed (an earlier write of the record, a hold, may have had them).
 */
function packedItemsUpdate(packed: PackedItems) {
  const names: Record<string, string> = { '#items': 'items' };
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [field, value] of Object.entries(packed)) {
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  const absent = OPTIONAL_PACKED_FIELDS.filter((field) => !(field in packed));
  for (const field of absent) names[`#${field}`] = field;
  // A record written before packing loses its unpacked list.
  return { sets, removes: ['#items', ...absent.map((field) => `#${field}`)], names, values };
}
