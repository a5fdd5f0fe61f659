import type { BatchError } from '#domain/batch/batch-operation.ts';
import type { Chunk, ChunkId, ChunkTally, ItemOutcome } from '#domain/batch/chunk.ts';

/**
 * Item chunks (never one record per item) and the shard totals they add up to: written by
 * initialization, read and recorded by execution, read by item search and reports.
 */
export interface ChunkStore {
  /** Writes item chunks (never one record per item). */
  putChunks(chunks: readonly Chunk[]): Promise<void>;
  /** Fixes a shard's totals once its items are all written, and drops chunks of an earlier attempt. */
  finishShardInitialization(
    batchOperationKey: string,
    shard: number,
    totals: { totalCount: number; chunkCount: number },
  ): Promise<void>;
  /**
   * Fails a shard still initializing with its error, and drops the chunks it wrote so far: a failed
   * shard has no items and executes nothing.
   */
  failShard(batchOperationKey: string, shard: number, error: BatchError): Promise<void>;
  pendingChunks(batchOperationKey: string, shard: number): AsyncIterable<ChunkId>;
  getChunk(id: ChunkId): Promise<Chunk | undefined>;
  /**
   * Records that items of a pending chunk are about to be sent to an engine that cannot refuse a
   * repeat (one request, before sending), so a redelivery knows to ask the engine first.
   */
  recordSent(id: ChunkId, itemKeys: readonly string[]): Promise<void>;
  /**
   * Keeps the outcomes a delivery reached before it stopped (a suspension, the invocation's time) on
   * the chunk, which stays pending, in one write: a later delivery, or the accounting of a canceled
   * batch, applies only the items still pending and keeps the others with their processed dates
   * instead of dating them when it finds them applied. Nothing when the chunk is no longer pending.
   */
  holdChunk(id: ChunkId, items: readonly ItemOutcome[]): Promise<void>;
  /**
   * Records a chunk's item outcomes and adds its tally to the shard's counters in one transaction,
   * exactly once: returns false when the chunk was already recorded (a redelivery).
   */
  completeChunk(id: ChunkId, items: readonly ItemOutcome[], tally: ChunkTally): Promise<boolean>;
  /**
   * Chunk records in shard and chunk order: of one batch, or of every batch when no key is given,
   * starting at the given chunk. Streamed page by page, never collected whole.
   */
  read(from: { batchOperationKey?: string; startAt?: ChunkId }): AsyncIterable<Chunk>;
}
