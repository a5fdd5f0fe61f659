import {
  type BatchError,
  type BatchOperation,
  type BatchOperationState,
  type BatchShard,
  CLAIM_LAPSED,
  type EngineWait,
  type InFlightCounts,
  type LiveControls,
  type RecentRate,
} from '#domain/batch/batch-operation.ts';
import type { Chunk, ChunkId, ChunkTally, ItemOutcome } from '#domain/batch/chunk.ts';
import type {
  BatchCreation,
  BatchStore,
  BatchTransition,
  BatchWithShards,
  IdempotencyRecord,
} from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';

const UNFINISHED: readonly BatchOperationState[] = ['CREATED', 'ACTIVE', 'SUSPENDED', 'CANCELED'];
const NOT_ENDED: readonly BatchOperationState[] = ['CREATED', 'ACTIVE', 'SUSPENDED'];

/** Records are handed out as copies, as a store's reads would: callers cannot change what is stored. */
const copy = <T>(value: T): T => structuredClone(value);

interface StoredBatch {
  batch: BatchOperation & { resumptionToken?: string };
  shards: BatchShard[];
}

/**
 * The batch and chunk ports in memory, with the semantics of their DynamoDB adapters (the shared
 * contract suite in test/contracts/ holds both to the same rules): conditional transitions, chunks
 * recorded once, shard counters moved once per chunk. For fast specification tests of the lifecycle.
 */
export function inMemoryBatchStores(now: () => Date = () => new Date()): {
  batches: BatchStore;
  chunks: ChunkStore;
} {
  const stored = new Map<string, StoredBatch>();
  const idempotency = new Map<
    string,
    { batchOperationKey: string; requestHash: string; expiresAt: number }
  >();
  const chunkRecords = new Map<string, Chunk>();
  const chunkKey = ({ batchOperationKey, shard, chunk }: ChunkId) =>
    `${batchOperationKey}#${String(shard).padStart(4, '0')}#${String(chunk).padStart(6, '0')}`;
  const sortedChunks = () => [...chunkRecords.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const shardOf = (batchOperationKey: string, shard: number) => {
    const found = stored.get(batchOperationKey)?.shards[shard];
    if (!found) throw new Error(`No shard ${shard} of batch ${batchOperationKey}`);
    return found;
  };
  const dropChunks = (batchOperationKey: string, shard: number, fromChunk: number) => {
    for (const [key, chunk] of chunkRecords) {
      if (chunk.batchOperationKey === batchOperationKey && chunk.shard === shard && chunk.chunk >= fromChunk)
        chunkRecords.delete(key);
    }
  };

  const batches: BatchStore = {
    async createBatch(batch: BatchOperation, record?: IdempotencyRecord): Promise<BatchCreation> {
      const used = record && idempotency.get(record.scope);
      if (used && used.expiresAt >= Math.floor(now().getTime() / 1000)) {
        return { created: false, batchOperationKey: used.batchOperationKey, requestHash: used.requestHash };
      }
      if (stored.has(batch.batchOperationKey))
        throw new Error(`Batch ${batch.batchOperationKey} exists already`);
      stored.set(batch.batchOperationKey, {
        batch: copy(batch),
        shards: Array.from({ length: batch.shardCount }, (_, shard) => ({
          shard,
          state: 'INITIALIZING',
          totalCount: 0,
          chunkCount: 0,
          chunksDone: 0,
          completedCount: 0,
          failedCount: 0,
          itemErrors: {},
        })),
      });
      if (record) {
        idempotency.set(record.scope, {
          batchOperationKey: batch.batchOperationKey,
          requestHash: record.requestHash,
          expiresAt: record.expiresAt,
        });
      }
      return { created: true };
    },

    async getBatch(batchOperationKey: string): Promise<BatchWithShards | undefined> {
      const found = stored.get(batchOperationKey);
      if (!found) return undefined;
      const { resumptionToken: _token, ...batch } = found.batch;
      return copy({ batch, shards: found.shards });
    },

    async getBatchRecord(batchOperationKey: string): Promise<BatchOperation | undefined> {
      return (await batches.getBatch(batchOperationKey))?.batch;
    },

    async activateBatch(batchOperationKey: string, executionArn: string): Promise<void> {
      const found = stored.get(batchOperationKey);
      if (!found) throw new Error(`No batch ${batchOperationKey}`);
      if (found.batch.state === 'CREATED') found.batch.state = 'ACTIVE';
      found.batch.executionArn = executionArn;
    },

    async *unfinishedBatches(): AsyncIterable<BatchOperation> {
      for (const { batch } of stored.values()) if (UNFINISHED.includes(batch.state)) yield copy(batch);
    },

    async *listBatches(): AsyncIterable<BatchOperation> {
      const newestFirst = [...stored.values()].sort((a, b) =>
        b.batch.startDate.localeCompare(a.batch.startDate),
      );
      for (const { batch } of newestFirst) yield copy(batch);
    },

    async requestWindowPause(batchOperationKey: string, at: string): Promise<boolean> {
      const batch = stored.get(batchOperationKey)?.batch;
      const running =
        batch?.state === 'ACTIVE' &&
        batch.cancelRequestedAt === undefined &&
        batch.suspendRequestedAt === undefined &&
        batch.failureRequested === undefined;
      if (!running) return false;
      batch.suspendRequestedAt = at;
      batch.windowPausedAt = at;
      batch.suspensions = (batch.suspensions ?? 0) + 1;
      return true;
    },

    async takeSchedule(batchOperationKey: string): Promise<boolean> {
      const batch = stored.get(batchOperationKey)?.batch;
      const scheduled =
        batch?.state === 'CREATED' && batch.startAt !== undefined && batch.cancelRequestedAt === undefined;
      if (scheduled) delete batch.startAt;
      return scheduled;
    },

    async changeControls(batchOperationKey: string, changes: LiveControls): Promise<boolean> {
      const batch = stored.get(batchOperationKey)?.batch;
      const open =
        batch !== undefined &&
        ['CREATED', 'ACTIVE', 'SUSPENDED'].includes(batch.state) &&
        batch.cancelRequestedAt === undefined &&
        batch.failureRequested === undefined;
      if (open) Object.assign(batch, changes);
      return open;
    },

    async reportStall(batchOperationKey: string, stalledSince: string | undefined): Promise<void> {
      const found = stored.get(batchOperationKey);
      if (!found) return;
      if (stalledSince) found.batch.stalledSince = stalledSince;
      else delete found.batch.stalledSince;
    },

    async reportEngineWait(batchOperationKey: string, wait: EngineWait | undefined): Promise<void> {
      const found = stored.get(batchOperationKey);
      if (!found) return;
      if (wait) found.batch.engineWait = { ...wait };
      else delete found.batch.engineWait;
    },

    async transitionBatch(batchOperationKey, change): Promise<BatchTransition> {
      const found = stored.get(batchOperationKey);
      if (!found) return { outcome: 'missing' };
      const { batch } = found;
      if (!change.from.includes(batch.state)) return { outcome: 'refused', state: batch.state };
      const resumptionToken = batch.resumptionToken;
      delete batch.resumptionToken;
      batch.state = change.to;
      if (change.endDate) batch.endDate = change.endDate;
      if (change.to === 'SUSPENDED') batch.suspensions = (batch.suspensions ?? 0) + 1;
      return {
        outcome: 'changed',
        batchOperationType: batch.batchOperationType,
        ...(resumptionToken ? { resumptionToken } : {}),
      };
    },

    async requestChange(batchOperationKey, command, at): Promise<BatchTransition> {
      const found = stored.get(batchOperationKey);
      if (!found) return { outcome: 'missing' };
      const { batch } = found;
      const canceling = batch.cancelRequestedAt !== undefined;
      const changed = (): BatchTransition => {
        const resumptionToken = batch.resumptionToken;
        delete batch.resumptionToken;
        return {
          outcome: 'changed',
          batchOperationType: batch.batchOperationType,
          ...(resumptionToken ? { resumptionToken } : {}),
        };
      };
      if (command === 'cancel' && batch.state === 'CREATED' && batch.startAt !== undefined) {
        batch.state = 'CANCELED';
        batch.endDate = at;
        batch.cancelRequestedAt ??= at;
        delete batch.startAt;
        return changed();
      }
      if (command === 'cancel' && NOT_ENDED.includes(batch.state)) {
        batch.cancelRequestedAt ??= at;
        delete batch.suspendRequestedAt;
        return changed();
      }
      if (command === 'suspend' && !canceling) {
        if (batch.state === 'CREATED' && batch.startAt === undefined) {
          batch.state = 'SUSPENDED';
          batch.suspensions = (batch.suspensions ?? 0) + 1;
          return changed();
        }
        if (batch.state === 'ACTIVE' && batch.suspendRequestedAt === undefined) {
          batch.suspendRequestedAt = at;
          batch.suspensions = (batch.suspensions ?? 0) + 1;
          return { outcome: 'changed', batchOperationType: batch.batchOperationType };
        }
        if (batch.state === 'ACTIVE')
          return { outcome: 'changed', batchOperationType: batch.batchOperationType };
      }
      if (command === 'resume' && !canceling) {
        if (batch.state === 'SUSPENDED') {
          batch.state = 'ACTIVE';
          delete batch.windowPausedAt;
          return changed();
        }
        if (batch.state === 'ACTIVE' && batch.suspendRequestedAt !== undefined) {
          delete batch.suspendRequestedAt;
          delete batch.windowPausedAt;
          return { outcome: 'changed', batchOperationType: batch.batchOperationType };
        }
      }
      return {
        outcome: 'refused',
        state: batch.state,
        ...(batch.cancelRequestedAt ? { cancelRequestedAt: batch.cancelRequestedAt } : {}),
      };
    },

    async claimShard(
      id: ChunkId,
      until: string,
      counts?: InFlightCounts,
      recentRate?: RecentRate,
    ): Promise<boolean> {
      const batch = stored.get(id.batchOperationKey)?.batch;
      const free =
        batch?.state === 'ACTIVE' &&
        batch.cancelRequestedAt === undefined &&
        batch.suspendRequestedAt === undefined &&
        batch.failureRequested === undefined;
      if (!free) return false;
      const shard = shardOf(id.batchOperationKey, id.shard);
      shard.running = { chunk: id.chunk, until, ...counts };
      if (recentRate) shard.recentRate = recentRate;
      return true;
    },

    async reportInFlight(id: ChunkId, counts: InFlightCounts, recentRate?: RecentRate): Promise<void> {
      const shard = shardOf(id.batchOperationKey, id.shard);
      if (shard.running?.chunk !== id.chunk) return;
      shard.running = { ...shard.running, ...counts };
      if (recentRate) shard.recentRate = recentRate;
    },

    async releaseShard(id: ChunkId, counts: InFlightCounts): Promise<void> {
      const shard = shardOf(id.batchOperationKey, id.shard);
      if (shard.running?.chunk === id.chunk)
        shard.running = { chunk: id.chunk, until: CLAIM_LAPSED, ...counts };
    },

    async requestFailure(batchOperationKey: string, reason: string): Promise<boolean> {
      const batch = stored.get(batchOperationKey)?.batch;
      if (
        batch?.state !== 'ACTIVE' ||
        batch.cancelRequestedAt !== undefined ||
        batch.failureRequested !== undefined
      )
        return false;
      batch.failureRequested = reason;
      return true;
    },

    async completeSuspension(batchOperationKey: string): Promise<boolean> {
      const batch = stored.get(batchOperationKey)?.batch;
      if (
        batch?.state !== 'ACTIVE' ||
        batch.suspendRequestedAt === undefined ||
        batch.cancelRequestedAt !== undefined
      )
        return false;
      batch.state = 'SUSPENDED';
      delete batch.suspendRequestedAt;
      return true;
    },

    async awaitResumption(batchOperationKey: string, taskToken: string): Promise<boolean> {
      const found = stored.get(batchOperationKey);
      if (found?.batch.state !== 'SUSPENDED' || found.batch.cancelRequestedAt !== undefined) return false;
      found.batch.resumptionToken = taskToken;
      return true;
    },

    async finishBatch(batchOperationKey, state, endDate, failureReason): Promise<boolean> {
      const found = stored.get(batchOperationKey);
      if (!found || !NOT_ENDED.includes(found.batch.state)) return false;
      found.batch.state = state;
      found.batch.endDate = endDate;
      if (failureReason) found.batch.failureReason = failureReason;
      return true;
    },
  };

  const chunks: ChunkStore = {
    async putChunks(written: readonly Chunk[]): Promise<void> {
      for (const chunk of written) chunkRecords.set(chunkKey(chunk), copy(chunk));
    },

    async finishShardInitialization(batchOperationKey, shard, totals): Promise<void> {
      dropChunks(batchOperationKey, shard, totals.chunkCount);
      const record = shardOf(batchOperationKey, shard);
      if (record.state !== 'INITIALIZING') return;
      Object.assign(record, { state: 'EXECUTING', ...totals });
    },

    async failShard(batchOperationKey: string, shard: number, error: BatchError): Promise<void> {
      const record = shardOf(batchOperationKey, shard);
      if (record.state !== 'INITIALIZING') return;
      Object.assign(record, { state: 'FAILED', error: copy(error) });
      dropChunks(batchOperationKey, shard, 0);
    },

    async *pendingChunks(batchOperationKey: string, shard: number): AsyncIterable<ChunkId> {
      for (const [, chunk] of sortedChunks()) {
        if (
          chunk.batchOperationKey === batchOperationKey &&
          chunk.shard === shard &&
          chunk.state === 'PENDING'
        )
          yield { batchOperationKey, shard, chunk: chunk.chunk };
      }
    },

    async getChunk(id: ChunkId): Promise<Chunk | undefined> {
      const chunk = chunkRecords.get(chunkKey(id));
      return chunk && copy(chunk);
    },

    async recordSent(id: ChunkId, itemKeys: readonly string[]): Promise<void> {
      const chunk = chunkRecords.get(chunkKey(id));
      if (chunk?.state !== 'PENDING') throw new Error(`Chunk ${chunkKey(id)} is not pending`);
      chunk.sentItemKeys = [...new Set([...(chunk.sentItemKeys ?? []), ...itemKeys])];
    },

    async holdChunk(id: ChunkId, items: readonly ItemOutcome[]): Promise<void> {
      const chunk = chunkRecords.get(chunkKey(id));
      if (chunk?.state === 'PENDING') chunk.items = copy([...items]);
    },

    async completeChunk(id: ChunkId, items: readonly ItemOutcome[], tally: ChunkTally): Promise<boolean> {
      const chunk = chunkRecords.get(chunkKey(id));
      if (chunk?.state !== 'PENDING') return false;
      const { sentItemKeys: _sent, ...recorded } = chunk;
      chunkRecords.set(chunkKey(id), { ...recorded, state: 'DONE', items: copy([...items]) });
      const shard = shardOf(id.batchOperationKey, id.shard);
      shard.chunksDone += 1;
      delete shard.running;
      shard.completedCount += tally.completed;
      shard.failedCount += tally.failed;
      const itemErrors = shard.itemErrors ?? {};
      shard.itemErrors = itemErrors;
      for (const [message, count] of Object.entries(tally.errors))
        itemErrors[message] = (itemErrors[message] ?? 0) + count;
      return true;
    },

    async *read(from: { batchOperationKey?: string; startAt?: ChunkId }): AsyncIterable<Chunk> {
      const start = from.startAt ? chunkKey(from.startAt) : undefined;
      for (const [key, chunk] of sortedChunks()) {
        if (from.batchOperationKey !== undefined && chunk.batchOperationKey !== from.batchOperationKey)
          continue;
        if (start !== undefined && key < start) continue;
        yield copy(chunk);
      }
    },
  };

  return { batches, chunks };
}
