import type {
  BatchError,
  BatchOperation,
  BatchOperationState,
  BatchOperationType,
  BatchShard,
} from '#domain/batch/batch-operation.ts';
import type { Chunk, ChunkId, ChunkTally, ItemOutcome } from '#domain/batch/chunk.ts';

export interface BatchWithShards {
  batch: BatchOperation;
  shards: BatchShard[];
}

/** What a lifecycle command found: it changed the batch, or the batch was missing or in another state. */
export type BatchTransition =
  | { outcome: 'changed'; batchOperationType: BatchOperationType; resumptionToken?: string }
  | { outcome: 'refused'; state: BatchOperationState }
  | { outcome: 'missing' };

/** A caller's Idempotency-Key, bound to the request it first came with, until it expires. */
export interface IdempotencyRecord {
  scope: string;
  requestHash: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export type BatchCreation =
  | { created: true }
  /** The idempotency key was used before (and has not expired): the batch it created. */
  | { created: false; batchOperationKey: string; requestHash: string };

export interface BatchStore {
  /**
   * Stores a new batch with one INITIALIZING record per shard, and the idempotency record with it in
   * the same transaction, so a repeated request finds either both or neither.
   */
  createBatch(batch: BatchOperation, idempotency?: IdempotencyRecord): Promise<BatchCreation>;
  getBatch(batchOperationKey: string): Promise<BatchWithShards | undefined>;
  /** CREATED → ACTIVE; in any case records the execution now running the batch (a recovery starts a new one). */
  activateBatch(batchOperationKey: string, executionArn: string): Promise<void>;
  /**
   * Batches whose execution may still have work to do: not yet ended, or canceled (their pending
   * chunks are accounted for by the execution). Streamed; a scan, for the rare recovery sweep.
   */
  unfinishedBatches(): AsyncIterable<BatchOperation>;
  /** Every batch's record (without its shards), newest first. Streamed; for batch search. */
  listBatches(): AsyncIterable<BatchOperation>;
  /** Writes item chunks (never one record per item). */
  putChunks(chunks: readonly Chunk[]): Promise<void>;
  /** Fixes a shard's totals once its items are all written, and drops chunks of an earlier attempt. */
  finishShardInitialization(
    batchOperationKey: string,
    shard: number,
    totals: { totalCount: number; chunkCount: number },
  ): Promise<void>;
  /** Marks the batch stalled since the given time, or clears the mark (undefined). */
  reportStall(batchOperationKey: string, stalledSince: string | undefined): Promise<void>;
  /**
   * Fails a shard still initializing with its error, and drops the chunks it wrote so far: a failed
   * shard has no items and executes nothing.
   */
  failShard(batchOperationKey: string, shard: number, error: BatchError): Promise<void>;
  pendingChunks(batchOperationKey: string, shard: number): AsyncIterable<ChunkId>;
  getChunk(id: ChunkId): Promise<Chunk | undefined>;
  /**
   * Records a chunk's item outcomes and adds its tally to the shard's counters in one transaction,
   * exactly once: returns false when the chunk was already recorded (a redelivery).
   */
  completeChunk(id: ChunkId, items: readonly ItemOutcome[], tally: ChunkTally): Promise<boolean>;
  /**
   * Moves the batch from one of `from` to `to` in one conditional write and takes the token of an
   * execution waiting for resumption, if one is stored.
   */
  transitionBatch(
    batchOperationKey: string,
    change: { from: readonly BatchOperationState[]; to: BatchOperationState; endDate?: string },
  ): Promise<BatchTransition>;
  /**
   * Stores the token of the execution now waiting for the batch to be resumed; false when the batch is
   * no longer SUSPENDED (then nobody else will wake the execution).
   */
  awaitResumption(batchOperationKey: string, taskToken: string): Promise<boolean>;
  /** Moves a batch that has not ended (CREATED, ACTIVE, SUSPENDED) to a final state; false when it had already ended. */
  finishBatch(
    batchOperationKey: string,
    state: BatchOperationState,
    endDate: string,
    failureReason?: string,
  ): Promise<boolean>;
  /**
   * Chunk records in shard and chunk order: of one batch, or of every batch when no key is given,
   * starting at the given chunk. Streamed page by page, never collected whole.
   */
  chunks(from: { batchOperationKey?: string; startAt?: ChunkId }): AsyncIterable<Chunk>;
}

export interface ChunkQueue {
  /**
   * Sends chunk addresses. `redispatch` names a later round of sending the same chunks again (the
   * watchdog's recovery): its messages must not be dropped as duplicates of the first round.
   */
  sendChunks(chunks: readonly ChunkId[], redispatch?: string): Promise<void>;
}

export interface BatchWorkflow {
  /**
   * Starts the batch's state-machine execution, named after the batch key; a recovery names its
   * attempt, since execution names cannot be reused.
   */
  start(batchOperationKey: string, recoveryAttempt?: string): Promise<void>;
  /** Whether the batch's execution (the recorded one, else the first) is still running. */
  isRunning(batchOperationKey: string, executionArn?: string): Promise<boolean>;
  /** Wakes an execution waiting for resumption; a token whose wait already ended is ignored. */
  resume(taskToken: string): Promise<void>;
}
