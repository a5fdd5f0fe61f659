import { z } from 'zod';
import type { InstanceScope } from '../authorization/permissions.ts';

export const BATCH_OPERATION_TYPES = [
  'CANCEL_PROCESS_INSTANCE',
  'RESOLVE_INCIDENT',
  'MIGRATE_PROCESS_INSTANCE',
  'MODIFY_PROCESS_INSTANCE',
  'DELETE_PROCESS_INSTANCE',
  'SUSPEND_PROCESS_INSTANCE',
  'RESUME_PROCESS_INSTANCE',
  'UPDATE_JOB',
  // Extensions from Camunda 7 (Camunda 8 has no such types): see functions/domain/operations/.
  'SET_JOB_RETRIES',
  'SET_EXTERNAL_TASK_RETRIES',
  'RESTART_PROCESS_INSTANCE',
  // Extension: Camunda 7's set-variables batch.
  'SET_VARIABLES',
] as const;
export type BatchOperationType = (typeof BATCH_OPERATION_TYPES)[number];

export const BATCH_OPERATION_STATES = [
  'CREATED',
  'ACTIVE',
  'SUSPENDED',
  'COMPLETED',
  'PARTIALLY_COMPLETED',
  'CANCELED',
  'FAILED',
] as const;
export type BatchOperationState = (typeof BATCH_OPERATION_STATES)[number];

/** The commands a user sends to a running batch. */
export type BatchLifecycleCommand = 'suspend' | 'resume' | 'cancel';

export const FINAL_BATCH_STATES: readonly BatchOperationState[] = [
  'COMPLETED',
  'PARTIALLY_COMPLETED',
  'CANCELED',
  'FAILED',
];

export const BATCH_ERROR_TYPES = ['QUERY_FAILED', 'RESULT_BUFFER_SIZE_EXCEEDED', 'UNKNOWN'] as const;
export type BatchErrorType = (typeof BATCH_ERROR_TYPES)[number];

/** Camunda reports errors per partition; a shard is this service's partition. */
export interface BatchError {
  partitionId: number;
  type: BatchErrorType;
  message: string;
}

/**
 * Who asked for the batch, as the API's authorizer identified the caller (the verified token claims):
 * stored with the batch as a record and scoping its idempotency key. What the creator was allowed to
 * touch is resolved from them once, at creation, into the batch's `scope`.
 */
export interface AuthorizationClaims {
  [claim: string]: string | number | boolean | string[];
}

/**
 * The highest `itemsPerSecond` taken: far above what any table serves (40,000 writes/s by default), and
 * a number DynamoDB stores as it is (the SDK refuses numbers beyond 2^53).
 */
export const MAX_ITEMS_PER_SECOND = 1_000_000;

/** A batch's share of the engine's budget, as S3 Batch Operations' job priority: 1 to 100. */
export const DEFAULT_PRIORITY = 10;
export const MAX_PRIORITY = 100;

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** A wall-clock time of day, 00:00 to 23:59 (24:00 for the end of a day). */
const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/**
 * A maintenance window: on each of `days`, from `from` to `to` in `timeZone` (an IANA name). A window
 * whose `to` is not after its `from` runs over midnight into the next day.
 */
export const maintenanceWindowSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
    from: z.string().regex(TIME_OF_DAY, 'a time of day HH:MM'),
    to: z.string().regex(TIME_OF_DAY, 'a time of day HH:MM'),
    // Any name the runtime's time zone data takes (aliases too); the schema lists the canonical ones,
    // so that a client generating requests from it sends a valid one.
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as Europe/Berlin')
      .meta({ enum: ['UTC', ...Intl.supportedValuesOf('timeZone')] }),
  })
  .strict();
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Most maintenance windows on one batch: each is checked before every group of items. */
export const MAX_WINDOWS = 20;

/** The controls a running batch takes live (PATCH /v2/extensions/batch-operations/{key}). */
export const liveControlsSchema = z.object({
  /** At most this many items per second for the whole batch, spread evenly over its shards. */
  itemsPerSecond: z.number().positive().max(MAX_ITEMS_PER_SECOND).optional(),
  /** Its weight in the engine's shared budget (ENGINE_MAX_ITEMS_PER_SECOND): 1 to 100, 10 when absent. */
  priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
  /** The batch ends FAILED once more than `percentage` % of at least `minProcessedItems` processed items failed. */
  failureThreshold: z
    .object({
      // Kept to 9 decimals: DynamoDB stores no number closer to 0 than 1e-130.
      percentage: z
        .number()
        .min(0)
        .max(100)
        .transform((percentage) => Math.round(percentage * 1e9) / 1e9),
      minProcessedItems: z.number().int().min(1).default(1),
    })
    .strict()
    .optional(),
});
export type LiveControls = z.infer<typeof liveControlsSchema>;

/** A live change's body: the live controls, at least one of them (an empty change is a 400). */
export const liveChangeSchema = liveControlsSchema
  .strict()
  .refine((change) => Object.keys(change).length > 0, {
    message: 'Name at least one of itemsPerSecond, priority and failureThreshold to change',
  })
  .meta({ minProperties: 1 });

/** Extensions of the creation request: optional limits on how and when a batch runs. */
export const batchControlsSchema = liveControlsSchema.extend({
  /** Starts the batch at this time (ISO 8601 with an offset) instead of now; it waits CREATED until then. */
  startAt: z.iso.datetime({ offset: true }).optional(),
  /** Runs only inside one of these windows: outside every one it pauses, inside one it resumes. */
  windows: z.array(maintenanceWindowSchema).min(1).max(MAX_WINDOWS).optional(),
});
export type BatchControls = z.infer<typeof batchControlsSchema>;

/** A cancellation reason longer than this is refused: it is stored on every canceled instance. */
export const MAX_CANCELLATION_REASON_LENGTH = 1000;

/**
 * Extension (Camunda 7's `deleteReason` and `skipCustomListeners`): a cancellation's parameters,
 * recorded on its batch and on every instance it cancels. This engine runs no listeners, so `skipCustomListeners` is
 * recorded, not acted on.
 */
export const cancellationOptionsSchema = z.object({
  reason: z.string().min(1).max(MAX_CANCELLATION_REASON_LENGTH).optional(),
  skipCustomListeners: z.boolean().optional(),
});
export type CancellationOptions = z.infer<typeof cancellationOptionsSchema>;

/** The batch as stored: the command, the items it acts on, and its lifecycle dates. */
/**
 * Why and since when a batch waits for its engine: a worker that could not reach the engine with a
 * chunk (beyond the engine's own retries) holds the chunk pending instead of failing it, and the
 * batch's poll sends it again after a back-off; the first chunk that runs again clears it.
 */
export interface EngineWait {
  /** The engine's last answer (or the lack of one). */
  reason: string;
  since: string;
  /** Deliveries held back since the wait began; the back-off grows with them. */
  attempts: number;
  /** When the last chunk was held, until the poll sends the held chunks again (then absent). */
  heldAt?: string;
}

export interface BatchOperation extends BatchControls {
  batchOperationKey: string;
  batchOperationType: BatchOperationType;
  state: BatchOperationState;
  /** The request's filter JSON, kept verbatim so each shard parses and plans it the same way. */
  filter?: unknown;
  /**
   * Extension (Camunda 7's `processInstanceIds`): instances named by key, alone or in union with the
   * filter. At most MAX_PROCESS_INSTANCE_KEYS, deduplicated at creation.
   */
  processInstanceKeys?: string[];
  /** Instead of a filter: a retry acts on the items that failed in an earlier batch. */
  source?: { failedItemsOf: string };
  /**
   * The operation's own request fields (e.g. `{ moveInstructions }`, `{ migrationPlan }`), validated
   * at creation and handed to the operation with every item; a retry keeps its source's.
   */
  parameters?: Record<string, unknown>;
  shardCount: number;
  startDate: string;
  endDate?: string;
  claims: AuthorizationClaims;
  /** Camunda 8.9's actor of the batch: who created it (absent on batches created before authentication). */
  actorType?: 'USER' | 'CLIENT';
  actorId?: string;
  /**
   * What the creator was allowed to touch when it created the batch (the operation's permission on
   * process definitions, and its tenants): every item outside it fails as not authorized, untouched,
   * whatever the creator's permissions have become since. Absent: unrestricted.
   */
  scope?: InstanceScope;
  executionArn?: string;
  /** Set by the watchdog while the batch makes no progress: the time of its last progress. */
  stalledSince?: string;
  /** Set while the engine cannot take the batch's work (an outage): its chunks are held, not dead-lettered. */
  engineWait?: EngineWait;
  /**
   * How often the batch was suspended. Chunks skipped or dropped while it was suspended are sent again
   * once it is not (see `checkProgress`), under a message id of their own per suspension.
   */
  suspensions?: number;
  /** A failure of the orchestration itself (not of an item or shard), recorded by the fail handler. */
  failureReason?: string;
  /**
   * A cancellation was requested: no item starts any more, and the batch ends CANCELED (with its end
   * date and final counts) once every chunk is accounted for. Until then it keeps its state.
   */
  cancelRequestedAt?: string;
  /**
   * A suspension of the ACTIVE batch was requested: no item starts any more, and the batch becomes
   * SUSPENDED once no chunk is in flight. Until then it reads ACTIVE.
   */
  suspendRequestedAt?: string;
  /**
   * The failure threshold was exceeded (the reason): no item starts any more, and the batch ends FAILED
   * once every chunk is accounted for.
   */
  failureRequested?: string;
  /**
   * The batch paused itself because the time was outside all its `windows` (the suspension it then
   * requested is its own): the next window's opening resumes it, a user's suspension never is.
   */
  windowPausedAt?: string;
}

export const SHARD_STATES = ['INITIALIZING', 'EXECUTING', 'FAILED'] as const;
export type ShardState = (typeof SHARD_STATES)[number];

/**
 * One shard's part of a batch: how many items and chunks initialization found, and counters that
 * the worker moves once per finished chunk.
 */
export interface BatchShard {
  shard: number;
  state: ShardState;
  totalCount: number;
  chunkCount: number;
  chunksDone: number;
  completedCount: number;
  failedCount: number;
  /** Failed items per error message (see `errorSummaryLine`), moved with the counters once per chunk. */
  itemErrors?: Record<string, number>;
  error?: BatchError;
  /**
   * The chunk a worker is applying now, and until when its claim holds (a worker that died lets it
   * lapse at its timeout; one that held its chunk ends it at once, CLAIM_LAPSED, keeping the counts).
   * A suspension is complete only when no shard holds a live claim.
   */
  running?: { chunk: number; until: string } & Partial<InFlightCounts>;
  /** The shard's recent rate as its worker measured it (items finished per second), and when. */
  recentRate?: RecentRate;
}

export interface RecentRate {
  itemsPerSecond: number;
  at: string;
}

/**
 * Items of the running chunk already applied, reported by its worker every second or so (not per item)
 * and dropped in the very write that adds the chunk to the shard's counters, so that a reader never
 * counts an item twice.
 */
export interface InFlightCounts {
  completed: number;
  failed: number;
}

/** A released claim's end: long past, so the shard reads idle while the claim's counts stay. */
export const CLAIM_LAPSED = new Date(0).toISOString();

/** No worker is applying a chunk of this shard now (or the one that was has outlived its timeout). */
export function isShardIdle(shard: BatchShard, now: Date): boolean {
  return !shard.running || Date.parse(shard.running.until) <= now.getTime();
}

export function isShardFinished(shard: BatchShard): boolean {
  return shard.state === 'FAILED' || (shard.state !== 'INITIALIZING' && shard.chunksDone >= shard.chunkCount);
}

export interface BatchProgress {
  operationsTotalCount: number;
  operationsCompletedCount: number;
  operationsFailedCount: number;
  errors: BatchError[];
  /** Why items failed: one line per distinct message with its count, most frequent first. */
  itemErrorSummary: { errorMessage: string; count: number }[];
}

/** A shard's completed items: its chunks' counters plus what its running chunk has applied so far. */
export const shardCompleted = (shard: BatchShard) => shard.completedCount + (shard.running?.completed ?? 0);
/** A shard's failed items, counted as shardCompleted counts. */
export const shardFailed = (shard: BatchShard) => shard.failedCount + (shard.running?.failed ?? 0);

export function progressOf(shards: readonly BatchShard[]): BatchProgress {
  const sum = (pick: (shard: BatchShard) => number) =>
    shards.reduce((total, shard) => total + pick(shard), 0);
  return {
    operationsTotalCount: sum((shard) => shard.totalCount),
    operationsCompletedCount: sum((shard) => shardCompleted(shard)),
    operationsFailedCount: sum((shard) => shardFailed(shard)),
    errors: shards.flatMap((shard) => (shard.error ? [shard.error] : [])),
    itemErrorSummary: summarizeItemErrors(shards),
  };
}

/**
 * Why the batch's failure threshold ends it FAILED, or undefined while it holds: more than `percentage` %
 * of at least `minProcessedItems` processed items failed.
 */
export function failureThresholdCrossed(
  threshold: BatchOperation['failureThreshold'],
  shards: readonly BatchShard[],
): string | undefined {
  if (!threshold) return undefined;
  const { operationsCompletedCount, operationsFailedCount } = progressOf(shards);
  const processed = operationsCompletedCount + operationsFailedCount;
  if (
    processed < threshold.minProcessedItems ||
    operationsFailedCount * 100 <= threshold.percentage * processed
  )
    return undefined;
  return `Failure threshold exceeded: ${operationsFailedCount} of ${processed} processed items failed, more than ${threshold.percentage}%`;
}

function summarizeItemErrors(shards: readonly BatchShard[]) {
  const counts = new Map<string, number>();
  for (const shard of shards) {
    for (const [errorMessage, count] of Object.entries(shard.itemErrors ?? {})) {
      counts.set(errorMessage, (counts.get(errorMessage) ?? 0) + count);
    }
  }
  return [...counts]
    .map(([errorMessage, count]) => ({ errorMessage, count }))
    .sort((a, b) => b.count - a.count || a.errorMessage.localeCompare(b.errorMessage));
}

/**
 * The leader's verdict once every shard has finished, as Camunda defines it: COMPLETED when every
 * shard finished its items (items may have failed), PARTIALLY_COMPLETED when some shards failed,
 * FAILED when all did.
 */
export function finalStateOf(shards: readonly BatchShard[]): BatchOperationState {
  const failed = shards.filter((shard) => shard.state === 'FAILED').length;
  if (failed === 0) return 'COMPLETED';
  return failed === shards.length ? 'FAILED' : 'PARTIALLY_COMPLETED';
}
