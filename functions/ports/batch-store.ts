import type {
  BatchLifecycleCommand,
  BatchOperation,
  BatchOperationState,
  BatchOperationType,
  BatchShard,
  EngineWait,
  InFlightCounts,
  LiveControls,
  RecentRate,
} from '#domain/batch/batch-operation.ts';
import type { ChunkId } from '#domain/batch/chunk.ts';

export interface BatchWithShards {
  batch: BatchOperation;
  shards: BatchShard[];
}

/** What a lifecycle command found: it changed the batch, or the batch was missing or in another state. */
export type BatchTransition =
  | { outcome: 'changed'; batchOperationType: BatchOperationType; resumptionToken?: string }
  | { outcome: 'refused'; state: BatchOperationState; cancelRequestedAt?: string }
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

/** Batch records: one per batch with its shards' counters, its transitions and its idempotency key. */
export interface BatchStore {
  /**
   * Stores a new batch with one INITIALIZING record per shard, and the idempotency record with it in
   * the same transaction, so a repeated request finds either both or neither.
   */
  createBatch(batch: BatchOperation, idempotency?: IdempotencyRecord): Promise<BatchCreation>;
  getBatch(batchOperationKey: string): Promise<BatchWithShards | undefined>;
  /** The batch's own record, without its shards: one small read, for a worker watching the batch. */
  getBatchRecord(batchOperationKey: string): Promise<BatchOperation | undefined>;
  /** CREATED → ACTIVE; in any case records the execution now running the batch (a recovery starts a new one). */
  activateBatch(batchOperationKey: string, executionArn: string): Promise<void>;
  /**
   * Batches whose execution may still have work to do: not yet ended, or canceled (their pending
   * chunks are accounted for by the execution). Streamed; a scan, for the rare recovery sweep.
   */
  unfinishedBatches(): AsyncIterable<BatchOperation>;
  /** Every batch's record (without its shards), newest first. Streamed; for batch search. */
  listBatches(): AsyncIterable<BatchOperation>;
  /**
   * Changes the live controls of a batch that has not ended and is not being canceled (the fields
   * given; the others stay). False when it has ended or is canceling.
   */
  changeControls(batchOperationKey: string, changes: LiveControls): Promise<boolean>;
  /**
   * The batch is outside all its maintenance windows: a suspension requested by the batch itself
   * (`windowPausedAt`), in effect as a user's once drained. False when it is not ACTIVE, or a
   * suspension, cancellation or failure was requested already (another worker paused it first).
   * Resuming it, by the next window or by hand, clears the mark.
   */
  requestWindowPause(batchOperationKey: string, at: string): Promise<boolean>;
  /**
   * A scheduled batch is to start now (its time came, or a user asked): removes its `startAt`, so
   * exactly one of the schedule and the user starts it. False when it is not a scheduled CREATED
   * batch (started already, canceled, never scheduled).
   */
  takeSchedule(batchOperationKey: string): Promise<boolean>;
  /** Marks the batch stalled since the given time, or clears the mark (undefined). */
  reportStall(batchOperationKey: string, stalledSince: string | undefined): Promise<void>;
  /** Records why and since when the batch waits for its engine, or clears it (undefined). */
  reportEngineWait(batchOperationKey: string, wait: EngineWait | undefined): Promise<void>;
  /**
   * Moves the batch from one of `from` to `to` in one conditional write and takes the token of an
   * execution waiting for resumption, if one is stored.
   */
  transitionBatch(
    batchOperationKey: string,
    change: { from: readonly BatchOperationState[]; to: BatchOperationState; endDate?: string },
  ): Promise<BatchTransition>;
  /**
   * A user's lifecycle command as conditional writes, taking the token of an execution waiting for
   * resumption where one is stored. Cancel records `cancelRequestedAt` (the state is kept until the
   * execution has drained the batch; a scheduled batch, which has no execution yet, is CANCELED at once); suspend moves a CREATED batch to SUSPENDED at once and records
   * `suspendRequestedAt` on an ACTIVE one; resume moves SUSPENDED to ACTIVE, or withdraws a suspension
   * request not yet in effect. Refused once a cancellation was requested (except a repeated cancel).
   */
  requestChange(
    batchOperationKey: string,
    command: BatchLifecycleCommand,
    at: string,
  ): Promise<BatchTransition>;
  /**
   * Claims the chunk's shard for a worker until `until`: only while the batch is ACTIVE with no
   * cancellation or suspension requested (false otherwise). Completing the chunk releases it.
   * `counts`: the chunk's items an earlier delivery applied and held (ChunkStore.holdChunk). The
   * shard's recent rate, when its worker has measured one, is recorded with the claim.
   */
  claimShard(id: ChunkId, until: string, counts?: InFlightCounts, recentRate?: RecentRate): Promise<boolean>;
  /**
   * The running chunk's items applied so far, on the shard's claim (one write, not one per item);
   * nothing when another chunk holds the claim or none does (the chunk was recorded). The shard's
   * recent rate goes with it.
   */
  reportInFlight(id: ChunkId, counts: InFlightCounts, recentRate?: RecentRate): Promise<void>;
  /**
   * Ends a claim this chunk holds without completing it (the worker stopped half-way and held the
   * chunk): the claim lapses with the chunk's items applied so far, counted until the chunk is
   * recorded, as its held outcomes are kept.
   */
  releaseShard(id: ChunkId, counts: InFlightCounts): Promise<void>;
  /**
   * The failure threshold was exceeded: records the reason on an ACTIVE batch, which then ends FAILED
   * once drained. False when it was recorded already, or the batch is no longer ACTIVE or is canceling.
   */
  requestFailure(batchOperationKey: string, reason: string): Promise<boolean>;
  /**
   * A requested suspension takes effect, ACTIVE → SUSPENDED; false when it was withdrawn or a
   * cancellation came first. The caller has seen every shard idle.
   */
  completeSuspension(batchOperationKey: string): Promise<boolean>;
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
}
