import type { BatchStore } from '#ports/batch-store.ts';
import {
  type BatchOperation,
  failureThresholdCrossed,
  type InFlightCounts,
} from '../batch/batch-operation.ts';
import type { ItemOutcome } from '../batch/chunk.ts';

/**
 * What the running chunk has applied so far, counted as its groups finish and handed out for the
 * shard's claim only when it changed: readers see progress every second or so while a long (paced)
 * chunk runs, at one write per report instead of one per item.
 */
export function inFlightCounter(held: readonly ItemOutcome[]) {
  // A resumed chunk's items an earlier delivery held: on the claim from its start (claimShard).
  const counts = appliedCounts(held);
  let reported = counts.completed + counts.failed;
  return {
    add(outcomes: readonly ItemOutcome[]): void {
      const added = appliedCounts(outcomes);
      counts.completed += added.completed;
      counts.failed += added.failed;
    },
    /** The counts so far. */
    get counts(): InFlightCounts {
      return { ...counts };
    },
    /** The counts so far, reported or not. */
    current(): InFlightCounts {
      return { ...counts };
    },
    /** The counts to report, or undefined when nothing finished since the last report. */
    takeReport(): InFlightCounts | undefined {
      if (counts.completed + counts.failed === reported) return undefined;
      reported = counts.completed + counts.failed;
      return { ...counts };
    },
  };
}

/** The items of a chunk's outcomes applied so far, as a shard's claim counts them. */
export function appliedCounts(outcomes: readonly ItemOutcome[]): InFlightCounts {
  const counts: InFlightCounts = { completed: 0, failed: 0 };
  for (const { state } of outcomes) {
    if (state === 'COMPLETED') counts.completed++;
    else if (state === 'FAILED') counts.failed++;
  }
  return counts;
}

/**
 * The batch as a worker's watch reads it when the batch has a failure threshold: with every shard's
 * counts, the running chunks' included, so that the threshold is checked as items complete across
 * shards, not when a chunk ends. Once crossed, the failure is requested (the first shard to see it
 * wins) and the answer carries it, so this worker stops at once.
 */
export async function readCheckingThreshold(
  batches: BatchStore,
  batch: BatchOperation,
): Promise<BatchOperation | undefined> {
  const found = await batches.getBatch(batch.batchOperationKey);
  if (!found || found.batch.failureRequested) return found?.batch;
  const reason = failureThresholdCrossed(batch.failureThreshold, found.shards);
  if (reason && (await batches.requestFailure(batch.batchOperationKey, reason)))
    return { ...found.batch, failureRequested: reason };
  return found.batch;
}
