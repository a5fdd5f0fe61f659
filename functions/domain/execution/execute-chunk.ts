import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import type { Engine, EngineBatch, EngineItem, EngineItemResult } from '#ports/engine.ts';
import type { EngineBudget } from '#ports/engine-budget.ts';
import { authorizeItems } from '../authorization/authorize-items.ts';
import {
  type BatchOperation,
  type BatchOperationType,
  failureThresholdCrossed,
} from '../batch/batch-operation.ts';
import {
  boundedErrorMessage,
  type Chunk,
  type ChunkId,
  errorMessageBudget,
  type ItemOutcome,
  tallyOf,
} from '../batch/chunk.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { isOutsideWindows, pauseOutsideWindows, type WindowDeps } from '../controls/maintenance-windows.ts';
import { TransientEngineError } from '../errors.ts';
import type { ItemErrorClass } from '../operations/operation-handler.ts';
import { operationHandlerFor } from '../operations/registry.ts';
import { accountUnprocessedChunk, type Disposition } from './account-unprocessed-chunk.ts';
import { type BudgetGate, budgetGate } from './budget-gate.ts';
import { appliedCounts, inFlightCounter, readCheckingThreshold } from './in-flight.ts';
import type { RateMeters } from './rate-meter.ts';

/** Items started between two reads of the batch: a cancellation or suspension is noticed this soon. */
export const CHECK_EVERY_ITEMS = 100;
/**
 * Items of a write operation applied in one request: what DynamoDB's BatchExecuteStatement takes
 * (25 statements), each still its own conditional write.
 */
export const WRITE_GROUP_SIZE = 25;
/**
 * An external engine's items are recorded as sent this many at a time (a multiple of
 * WRITE_GROUP_SIZE), ahead of the groups that send them: a chunk of 1,000 takes 10 writes, not 40,
 * and a redelivery asks the engine about at most the windows begun but not finished.
 */
export const SENT_MARK_WINDOW = 4 * WRITE_GROUP_SIZE;
/** ... or this soon (ms) when items are paced or slow. */
export const CHECK_EVERY_MS = 1000;
/**
 * A worker with less time left than this (ms) starts no further item: it releases its shard and leaves
 * the chunk pending, so its claim never outlives it (on AWS, the Lambda timeout; locally, a stopping
 * runtime, which sets the remaining time to zero).
 */
export const STOP_MARGIN_MS = 10_000;
/** A worker's claim on its shard when the invocation's remaining time is unknown (the worker timeout). */
const DEFAULT_CLAIM_MS = 120_000;

/** The batch and chunk stores, and the engine the items are applied through. */
export interface ExecuteChunkDeps {
  engine: Engine;
  batches: BatchStore;
  chunks: ChunkStore;
  concurrency: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** The invocation's remaining time (Lambda's `getRemainingTimeInMillis`). */
  remainingTimeMs?: () => number;
  /** This process's measure of each shard's recent rate, reported with the claim and in-flight counts. */
  meters?: RateMeters;
  /** The engine's capacity shared by every running batch (ENGINE_MAX_ITEMS_PER_SECOND), when there is one. */
  budget?: EngineBudget;
  /** What a batch outside its maintenance windows pauses itself with (none: windows are not watched). */
  windows?: Omit<WindowDeps, 'batches' | 'now'>;
}

export type { ItemErrorClass };

export type ChunkExecution =
  | {
      status: 'executed';
      batchOperationType: BatchOperationType;
      completed: number;
      failed: number;
      failedByClass: Partial<Record<ItemErrorClass, number>>;
      /** This chunk pushed the batch over its failure threshold: the batch ended FAILED. */
      thresholdExceeded?: string;
    }
  /** The batch ended before this chunk ran: its unprocessed items were accounted for as CANCELED. */
  | { status: 'canceled'; batchOperationType: BatchOperationType; completed: number; failed: number }
  /** Suspended (or not yet started): the chunk stays pending; resumption sends it again. */
  | { status: 'duplicate' | 'batch-suspended' | 'unknown-batch' }
  /** The invocation ran out of time (or the runtime is stopping): the chunk stays pending, sent again later. */
  | { status: 'abandoned' }
  /**
   * The engine could not take the work (an outage, beyond its own retries): the chunk stays pending,
   * the batch shows why it waits, and its poll sends the chunk again after a back-off, so an outage
   * however long holds the chunk instead of dead-lettering it.
   */
  | { status: 'engine-unavailable'; reason: string };

/** What a worker does with a chunk, given its batch as read now. */
type Verdict =
  | { run: true }
  | { run: false; hold: 'batch-suspended' | 'abandoned' }
  | { run: false; hold: 'engine-unavailable'; reason: string }
  | { run: false; disposition: Disposition };

function verdictOf(batch: BatchOperation): Verdict {
  if (batch.cancelRequestedAt || batch.state === 'CANCELED')
    return { run: false, disposition: { state: 'CANCELED' } };
  if (batch.failureRequested) return { run: false, disposition: endedBefore('FAILED') };
  if (batch.state === 'CREATED' || batch.state === 'SUSPENDED' || batch.suspendRequestedAt)
    return { run: false, hold: 'batch-suspended' };
  if (batch.state !== 'ACTIVE') return { run: false, disposition: endedBefore(batch.state) };
  return { run: true };
}

/**
 * The verdict, and a batch that may run but is outside all its maintenance windows pauses itself
 * instead: its chunk waits, as a suspended batch's does, for the next window's opening.
 */
async function windowedVerdict(deps: ExecuteChunkDeps, batch: BatchOperation): Promise<Verdict> {
  const verdict = verdictOf(batch);
  if (!(verdict.run && deps.windows && isOutsideWindows(batch, deps.now()))) return verdict;
  await pauseOutsideWindows({ ...deps.windows, batches: deps.batches, now: deps.now }, batch);
  return { run: false, hold: 'batch-suspended' };
}

const endedBefore = (state: string): Disposition => ({
  state: 'CANCELED',
  errorMessage: `The batch ended ${state} before this item was processed`,
});

/**
 * Phase 3, Execution of one chunk: apply the batch's command to every pending item with bounded
 * concurrency (a write operation's items in batched conditional writes, WRITE_GROUP_SIZE per
 * request; an engine step's one by one), then record all outcomes and move the shard's counters in one transaction that
 * succeeds once per chunk. A redelivered or resumed chunk re-applies nothing: the store's condition
 * refuses a second change by the same batch and the item is recognized as already done.
 *
 * While it runs, the worker claims its shard (the execution completes a suspension only when no shard
 * is claimed) and reads the batch between small groups of items: once a cancellation, suspension or
 * failure was requested it starts no further item, lets the started ones finish, and then records
 * the chunk (canceled: the rest become CANCELED) or leaves it pending (suspended) with the outcomes
 * so far, each dated when it was applied.
 */
export async function executeChunk(deps: ExecuteChunkDeps, id: ChunkId): Promise<ChunkExecution> {
  const [found, chunk] = await Promise.all([
    deps.batches.getBatch(id.batchOperationKey),
    deps.chunks.getChunk(id),
  ]);
  if (!found) return { status: 'unknown-batch' };
  if (!chunk || chunk.state === 'DONE') return { status: 'duplicate' };
  const { batchOperationType } = found.batch;
  let verdict = await windowedVerdict(deps, found.batch);
  // The claim tells the execution a chunk is in flight; it holds only while nothing was requested.
  const claimUntil = new Date(deps.now().getTime() + (deps.remainingTimeMs?.() ?? DEFAULT_CLAIM_MS));
  const inFlight = inFlightCounter(chunk.items);
  const claimed =
    verdict.run &&
    (await deps.batches.claimShard(
      id,
      claimUntil.toISOString(),
      inFlight.counts,
      deps.meters?.rate(id, deps.now()),
    ));
  if (verdict.run && !claimed) {
    const again = await deps.batches.getBatch(id.batchOperationKey);
    verdict = again ? verdictOf(again.batch) : { run: false, hold: 'batch-suspended' };
    if (verdict.run) verdict = { run: false, hold: 'batch-suspended' };
  }
  if (!verdict.run) return stopChunk(deps, id, chunk, found.batch, verdict);

  const handler = operationHandlerFor(batchOperationType);
  const failedByClass: Partial<Record<ItemErrorClass, number>> = {};
  const pace = pacing(deps, found.batch);
  const gate = budgetGate(
    deps.budget,
    found.batch,
    chunk.items.filter((item) => item.state === 'ACTIVE').length,
    deps.now,
  );
  const watch = batchWatch(deps, id, found.batch, inFlight, pace, gate);
  const messageBytes = errorMessageBudget(chunk.items.length);
  // A write operation's items go in groups, one batched request each, and so do an external engine's
  // (one record of the group as sent); an engine step, or a paced batch (slow by request, nothing to
  // amortize), goes item by item.
  const grouped = (handler.kind === 'write' || !deps.engine.marksItems) && !found.batch.itemsPerSecond;
  const groups = groupsOf(chunk.items, grouped ? WRITE_GROUP_SIZE : 1);
  // An external engine's group sends its items at once: as many groups as keep the worker's
  // concurrency in flight, and one more to cover each group's slowest item.
  const lanes =
    grouped && !deps.engine.marksItems
      ? Math.ceil(deps.concurrency / WRITE_GROUP_SIZE) + 1
      : deps.concurrency;
  const marks = sentMarks(deps, id, chunk);
  let appliedHere = false;
  const applied = await mapWithConcurrency(groups, lanes, async ({ first, items }) => {
    const pending = items.filter((item) => item.state === 'ACTIVE');
    if (pending.length === 0) return items;
    // A paced wait is cut in steps, so a slow rate does not delay noticing a request (or a new
    // rate); a group starts no earlier than its last item is due, so the rate is never exceeded.
    const last = first + items.length - 1;
    for (let wait = pace.wait(last), tuning = pace.tuning; wait > 0; tuning = pace.tuning) {
      const step = Math.min(wait, CHECK_EVERY_MS);
      await deps.sleep(step);
      if (!watch.proceed(0)) return items;
      // A new rate (the watch read it) plans the wait afresh; otherwise the time slept is taken off.
      wait = tuning === pace.tuning ? wait - step : pace.wait(last);
    }
    // Then the engine's shared budget: the group starts once its lease is due.
    for (let wait = await gate.acquire(pending.length); wait > 0; wait -= CHECK_EVERY_MS) {
      await deps.sleep(Math.min(wait, CHECK_EVERY_MS));
      if (!watch.proceed(0)) return items;
    }
    if (!watch.proceed(pending.length)) return items;
    let executed: Awaited<ReturnType<typeof executeItems>>;
    try {
      executed = await executeItems(
        deps,
        found.batch,
        pending,
        { sent: marks.sent, mark: () => marks.before(first) },
        messageBytes,
      );
    } catch (error) {
      // The group's items stay pending (what was sent is recorded as sent) and no group starts after
      // it; the engine is overloaded, so every batch slows down (the shared budget).
      if (!(error instanceof TransientEngineError)) throw error;
      await deps.budget?.reportBackpressure(deps.now().getTime());
      watch.hold(error.message);
      return items;
    }
    appliedHere ||= executed.length > 0;
    for (const { errorClass } of executed) {
      if (errorClass) failedByClass[errorClass] = (failedByClass[errorClass] ?? 0) + 1;
    }
    inFlight.add(executed.map(({ outcome }) => outcome));
    deps.meters?.record(id, executed.length, deps.now());
    const byKey = new Map(executed.map(({ outcome }) => [outcome.itemKey, outcome]));
    return items.map((item) => byKey.get(item.itemKey) ?? item);
  });
  await watch.settle();
  const outcomes = applied.flat();
  // Stopped between items: the items started have finished; the rest wait or are accounted for.
  if (watch.stopped) {
    // Held back, the chunk keeps what this delivery did, with each item's processed date.
    if (appliedHere && 'hold' in watch.stopped) await deps.chunks.holdChunk(id, outcomes);
    return stopChunk(deps, id, { ...chunk, items: outcomes }, found.batch, watch.stopped);
  }
  const tally = tallyOf(outcomes);
  const recorded = await deps.chunks.completeChunk(id, outcomes, tally);
  if (!recorded) return { status: 'duplicate' };
  // The engine took work again: the batch no longer waits for it.
  if (found.batch.engineWait) await deps.batches.reportEngineWait(id.batchOperationKey, undefined);
  return {
    status: 'executed',
    batchOperationType,
    completed: tally.completed,
    failed: tally.failed,
    failedByClass,
    thresholdExceeded: tally.failed > 0 ? await enforceFailureThreshold(deps, found.batch) : undefined,
  };
}

/**
 * A chunk the worker does not (or no longer) run: held back pending (suspended, out of time) with the
 * shard's claim released, or recorded with its unprocessed items taking the disposition (canceled,
 * ended), which also releases the claim. Either way nothing of it changes afterwards.
 */
async function stopChunk(
  deps: ExecuteChunkDeps,
  id: ChunkId,
  chunk: Chunk,
  batch: BatchOperation,
  verdict: Exclude<Verdict, { run: true }>,
): Promise<ChunkExecution> {
  if ('hold' in verdict) {
    await deps.batches.releaseShard(id, appliedCounts(chunk.items));
    if (verdict.hold !== 'engine-unavailable') return { status: verdict.hold };
    const now = deps.now().toISOString();
    await deps.batches.reportEngineWait(id.batchOperationKey, {
      reason: verdict.reason,
      since: batch.engineWait?.since ?? now,
      attempts: (batch.engineWait?.attempts ?? 0) + 1,
      heldAt: now,
    });
    return { status: 'engine-unavailable', reason: verdict.reason };
  }
  const accounted = await accountUnprocessedChunk(deps, id, batch, verdict.disposition, chunk);
  return accounted.status === 'accounted' ? { ...accounted, status: 'canceled' } : { status: 'duplicate' };
}

/**
 * Reads the batch's record again every CHECK_EVERY_ITEMS items started or CHECK_EVERY_MS, whichever
 * comes first, and stops the chunk once a cancellation, suspension or failure was requested, or the
 * invocation runs out of time. The read runs beside the writes, one at a time: no lane waits for it
 * (lanes that did each waited on a read as well as their write), so a request is noticed by the first
 * group to start after the read that saw it. Before each read it reports the chunk's items applied so
 * far on the shard's claim; a batch with a failure threshold is read with its shards and checked.
 */
function batchWatch(
  deps: ExecuteChunkDeps,
  id: ChunkId,
  batch: BatchOperation,
  inFlight: ReturnType<typeof inFlightCounter>,
  pace: Pacing,
  gate: BudgetGate,
) {
  const { batchOperationKey } = id;
  let stopped: Exclude<Verdict, { run: true }> | undefined;
  let failure: unknown;
  let started = 0;
  let lastCheck = deps.now().getTime();
  let reading: Promise<void> | undefined;
  const read = async () => {
    try {
      const rate = deps.meters?.rate(id, deps.now());
      const counts = inFlight.takeReport() ?? (rate && inFlight.current());
      if (counts) await deps.batches.reportInFlight(id, counts, rate);
      const current = batch.failureThreshold
        ? await readCheckingThreshold(deps.batches, batch)
        : await deps.batches.getBatchRecord(batchOperationKey);
      const verdict: Verdict = current
        ? await windowedVerdict(deps, current)
        : { run: false, hold: 'batch-suspended' };
      // A rate changed while the batch runs takes effect from the next group on.
      if (current) {
        pace.retune(current.itemsPerSecond);
        gate.retune(current);
      }
      if (!verdict.run) stopped ??= verdict;
    } catch (error) {
      // Thrown to the next lane that asks, so the invocation fails and the chunk comes again.
      failure ??= error;
    } finally {
      reading = undefined;
    }
  };
  return {
    get stopped() {
      return stopped;
    },
    /** Whether to go on; `starting` items are about to start (counted towards the next read). */
    proceed(starting: number): boolean {
      if (failure) throw failure;
      if (stopped) return false;
      if (deps.remainingTimeMs && deps.remainingTimeMs() < STOP_MARGIN_MS) {
        stopped = { run: false, hold: 'abandoned' };
        return false;
      }
      started += starting;
      const now = deps.now().getTime();
      if (!reading && (started >= CHECK_EVERY_ITEMS || now - lastCheck >= CHECK_EVERY_MS)) {
        started = 0;
        lastCheck = now;
        reading = read();
      }
      return true;
    },
    /** Stops the chunk for an engine that cannot take its work: no further group starts. */
    hold(reason: string): void {
      stopped ??= { run: false, hold: 'engine-unavailable', reason };
    },
    /** Waits for the read in flight, so the chunk ends on the latest answer and leaves nothing running. */
    async settle(): Promise<void> {
      await reading;
      if (failure) throw failure;
    },
  };
}

/**
 * The batch's rate limit, shared evenly by its shards (one chunk per shard runs at a time): item
 * `index` of the chunk starts no earlier than `index / rate` seconds after the chunk began, or after
 * the rate last changed (`retune`, from the batch as the watch reads it). `wait` tells how long (ms)
 * item `index` has yet to wait.
 */
function pacing(deps: ExecuteChunkDeps, batch: BatchOperation) {
  let perShard = batch.itemsPerSecond ? batch.itemsPerSecond / batch.shardCount : undefined;
  let anchor = { at: deps.now().getTime(), index: 0 };
  let highest = -1;
  let tuning = 0;
  return {
    /** How often the rate changed: a wait planned before a change is planned again. */
    get tuning() {
      return tuning;
    },
    wait(index: number): number {
      highest = Math.max(highest, index);
      if (!perShard) return 0;
      return anchor.at + ((index - anchor.index) * 1000) / perShard - deps.now().getTime();
    },
    retune(itemsPerSecond: number | undefined): void {
      const next = itemsPerSecond ? itemsPerSecond / batch.shardCount : undefined;
      if (next === perShard) return;
      // The items not yet due go on from the position due now, at the new rate: no burst, no gap.
      const at = deps.now().getTime();
      const due = perShard ? anchor.index + ((at - anchor.at) * perShard) / 1000 : highest;
      perShard = next;
      anchor = { at, index: due };
      tuning++;
    },
  };
}
type Pacing = ReturnType<typeof pacing>;

/**
 * Ends the batch FAILED once more than the threshold's share of its processed items failed (and at
 * least its minimum were processed): the reason is recorded at once, the workers stop between items,
 * the remaining chunks are accounted for as not processed, and completion writes FAILED when drained.
 */
async function enforceFailureThreshold(deps: ExecuteChunkDeps, batch: BatchOperation) {
  if (!batch.failureThreshold) return undefined;
  const current = await deps.batches.getBatch(batch.batchOperationKey);
  const reason = current && failureThresholdCrossed(batch.failureThreshold, current.shards);
  if (!reason) return undefined;
  const requested = await deps.batches.requestFailure(batch.batchOperationKey, reason);
  return requested ? reason : undefined;
}

/** Consecutive items of a chunk in groups of `size`, each with the index of its first item. */
function groupsOf(items: readonly ItemOutcome[], size: number) {
  const groups: { first: number; items: ItemOutcome[] }[] = [];
  for (let first = 0; first < items.length; first += size) {
    groups.push({ first, items: items.slice(first, first + size) });
  }
  return groups;
}

/**
 * Applies the batch's operation to pending items of a chunk through the engine, after the creator's
 * scope check. Each item's outcome carries its processed date and its engine error message.
 */
async function executeItems(
  deps: ExecuteChunkDeps,
  batch: BatchOperation,
  items: readonly ItemOutcome[],
  marks: GroupMarks,
  messageBytes: number,
): Promise<{ outcome: ItemOutcome; errorClass?: ItemErrorClass }[]> {
  // The creator's scope first: a refused item is not touched (an unrestricted batch reads nothing).
  const refusals = await authorizeItems(
    deps.engine,
    batch,
    items.map((item) => item.processInstanceKey),
  );
  const allowed = items
    .filter((_, index) => !refusals[index])
    .map(({ itemKey, processInstanceKey }) => ({ itemKey, processInstanceKey }));
  const applied = await applyOnce(deps, batch, allowed, marks);
  let next = 0;
  const results = refusals.map(
    (refused): EngineItemResult =>
      refused ? { state: 'FAILED', errorMessage: refused, errorClass: 'NOT_AUTHORIZED' } : applied[next++],
  );
  // When the engine answered for the group. An item a delivery that died had applied is known only
  // as found applied now: that is the best date left of it.
  const processedDate = deps.now().toISOString();
  return results.map((result, index) => {
    const item = items[index];
    if (result.state === 'COMPLETED') return { outcome: { ...item, state: 'COMPLETED', processedDate } };
    return {
      outcome: {
        ...item,
        state: 'FAILED',
        processedDate,
        errorMessage: boundedErrorMessage(result.errorMessage, messageBytes),
      },
      errorClass: result.errorClass,
    };
  });
}

/** A group's sent marks: those of earlier deliveries, and the write that marks the group's window now. */
interface GroupMarks {
  sent: ReadonlySet<string>;
  mark: () => Promise<void>;
}

/**
 * The sent marks of one delivery of a chunk, for an engine that does not mark its items: what earlier
 * deliveries recorded, and `before(first)`, the one write (shared by the window's groups) that marks
 * the pending items of the window of SENT_MARK_WINDOW items holding item `first`.
 */
function sentMarks(deps: ExecuteChunkDeps, id: ChunkId, chunk: Chunk) {
  const sent: ReadonlySet<string> = new Set(chunk.sentItemKeys);
  const writes = new Map<number, Promise<void>>();
  return {
    sent,
    before(first: number): Promise<void> {
      const window = Math.floor(first / SENT_MARK_WINDOW);
      let write = writes.get(window);
      if (!write) {
        const keys = chunk.items
          .slice(window * SENT_MARK_WINDOW, (window + 1) * SENT_MARK_WINDOW)
          .filter((item) => item.state === 'ACTIVE' && !sent.has(item.itemKey))
          .map((item) => item.itemKey);
        write = deps.chunks.recordSent(id, keys);
        writes.set(window, write);
      }
      return write;
    },
  };
}

/**
 * Applies the batch's operation to items exactly once. An engine that marks its items refuses a
 * repeat by the same batch itself. For one that cannot (an external engine), the items are recorded
 * as sent before they are sent (`mark`), and an item an earlier delivery already sent is asked about
 * first: if the operation took effect it is done, otherwise it is sent again. Results in the items' order.
 */
async function applyOnce(
  deps: ExecuteChunkDeps,
  batch: BatchOperation,
  items: readonly EngineItem[],
  marks: GroupMarks,
): Promise<EngineItemResult[]> {
  const engineBatch: EngineBatch = {
    batchOperationKey: batch.batchOperationKey,
    batchOperationType: batch.batchOperationType,
    parameters: batch.parameters,
    ...(batch.scope ? { scope: batch.scope } : {}),
  };
  if (items.length === 0) return [];
  if (deps.engine.marksItems) return deps.engine.applyItems(engineBatch, items);
  const resent = items.filter((item) => marks.sent.has(item.itemKey));
  const applied = resent.length > 0 ? await deps.engine.appliedBy(engineBatch, resent) : [];
  const done = new Set(resent.filter((_, index) => applied[index]).map((item) => item.itemKey));
  const toSend = items.filter((item) => !done.has(item.itemKey));
  await marks.mark();
  const results = toSend.length > 0 ? await deps.engine.applyItems(engineBatch, toSend) : [];
  const byKey = new Map(toSend.map((item, index) => [item.itemKey, results[index]]));
  return items.map((item): EngineItemResult => byKey.get(item.itemKey) ?? { state: 'COMPLETED' });
}
