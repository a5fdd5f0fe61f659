import type { AuthorizationClaims, BatchOperation, BatchShard } from '#domain/batch/batch-operation.ts';
import { type Chunk, chunkSortKey, type ItemOutcome, parseChunkSortKey } from '#domain/batch/chunk.ts';

/**
 * The record kinds of the Batches table (one batch record and one counter record per shard under the
 * batch key, plus idempotency records) and of the BatchItems table (one record per chunk), and their
 * mappers to the domain's types.
 */
export const BATCH_RECORD = 'BATCH';
export const IDEMPOTENCY_RECORD = 'IDEMPOTENCY';
export const shardRecord = (shard: number) => `SHARD#${String(shard).padStart(4, '0')}`;
/** Above any chunk number a shard can have: the upper bound of a shard's chunk key range. */
export const LAST_CHUNK = 999_999;

type StoredRecord = Record<string, unknown>;

/** The fields of a value that are present, so absent optional fields stay absent (not `undefined`). */
function present<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function toBatchOperation(record: StoredRecord): BatchOperation {
  return {
    batchOperationKey: record.batchOperationKey as string,
    batchOperationType: record.batchOperationType as BatchOperation['batchOperationType'],
    state: record.state as BatchOperation['state'],
    shardCount: record.shardCount as number,
    startDate: record.startDate as string,
    claims: (record.claims ?? {}) as AuthorizationClaims,
    ...present({
      filter: record.filter,
      processInstanceKeys: record.processInstanceKeys as string[] | undefined,
      source: record.source as BatchOperation['source'],
      parameters: record.parameters as Record<string, unknown> | undefined,
      endDate: record.endDate as string | undefined,
      executionArn: record.executionArn as string | undefined,
      stalledSince: record.stalledSince as string | undefined,
      suspensions: record.suspensions as number | undefined,
      failureReason: record.failureReason as string | undefined,
      cancelRequestedAt: record.cancelRequestedAt as string | undefined,
      suspendRequestedAt: record.suspendRequestedAt as string | undefined,
      failureRequested: record.failureRequested as string | undefined,
      itemsPerSecond: record.itemsPerSecond as number | undefined,
      failureThreshold: record.failureThreshold as BatchOperation['failureThreshold'],
      actorType: record.actorType as BatchOperation['actorType'],
      actorId: record.actorId as string | undefined,
      scope: record.scope as BatchOperation['scope'],
    }),
  };
}

export function toBatchShard(record: StoredRecord): BatchShard {
  return {
    shard: record.shard as number,
    state: record.state as BatchShard['state'],
    totalCount: record.totalCount as number,
    chunkCount: record.chunkCount as number,
    chunksDone: record.chunksDone as number,
    completedCount: record.completedCount as number,
    failedCount: record.failedCount as number,
    ...present({
      itemErrors: record.itemErrors as Record<string, number> | undefined,
      error: record.error as BatchShard['error'],
      running: record.running as BatchShard['running'],
    }),
  };
}

export function toChunk(record: StoredRecord): Chunk {
  const { shard, chunk } = parseChunkSortKey(record.chunk as string);
  return {
    batchOperationKey: record.batchOperationKey as string,
    shard,
    chunk,
    state: record.state as Chunk['state'],
    items: record.items as ItemOutcome[],
  };
}

/** The sort-key prefix shared by one shard's chunks. */
export function shardPrefix(shard: number): string {
  return `${chunkSortKey(shard, 0).split('#')[0]}#`;
}
