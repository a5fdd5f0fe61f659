import { type BatchOperation, isFinal } from './api/types.ts';

/** Counts of a batch as the console shows them. */
export function countsOf(batch: BatchOperation) {
  const total = batch.operationsTotalCount;
  const completed = batch.operationsCompletedCount;
  const failed = batch.operationsFailedCount;
  const processed = completed + failed;
  const pending = Math.max(0, total - processed);
  const percent =
    total === 0 ? (isFinal(batch.state) ? 100 : 0) : Math.min(100, Math.floor((processed / total) * 100));
  return { total, completed, failed, processed, pending, percent };
}

/**
 * The counts in words. A final batch has nothing pending: what it did not process was canceled (a
 * canceled batch) or never run (a failed one), and it says which.
 */
export function outcomeCounts(batch: BatchOperation): string {
  const { total, completed, failed, pending } = countsOf(batch);
  const processed = `${total} total, ${completed} completed, ${failed} failed`;
  if (!isFinal(batch.state)) return `${processed}, ${pending} pending`;
  if (pending === 0) return processed;
  return `${processed}, ${pending} ${batch.state === 'CANCELED' ? 'canceled' : 'not processed'}`;
}

/**
 * The phase a batch is in (DESIGN.md's four), read from its state and counts: the API has no phase
 * field, so "Initialization" is a batch that holds no item yet, "Execution" one with items pending.
 */
export function phaseOf(batch: BatchOperation): string {
  const { total, pending } = countsOf(batch);
  if (isFinal(batch.state)) return `Ended (${batch.state})`;
  if (batch.state === 'CREATED') return 'Creation';
  if (batch.state === 'SUSPENDED') return 'Suspended (no chunk runs until resumed)';
  if (total === 0) return 'Initialization (collecting items)';
  if (pending > 0) return 'Execution';
  return 'Completion (aggregating the shards)';
}

export interface ProgressSample {
  at: number;
  processed: number;
}

/** How far back the rate looks: long enough to smooth chunk steps, short enough to follow a resume. */
export const RATE_WINDOW_MS = 30_000;

/**
 * Items per second and the estimated end, from the samples the console took while polling (the
 * API gives counts, not rates). Without two samples apart in time the rate is the average since the
 * start date. Undefined when nothing moved yet or the batch is not running.
 */
export function rateOf(
  batch: BatchOperation,
  samples: readonly ProgressSample[],
  now: number,
): { itemsPerSecond: number; estimatedEnd?: Date } | undefined {
  if (batch.state !== 'ACTIVE') return undefined;
  const { processed, pending } = countsOf(batch);
  const recent = samples.filter((sample) => now - sample.at <= RATE_WINDOW_MS);
  let itemsPerSecond: number | undefined;
  if (recent.length >= 2) {
    const first = recent[0];
    const last = recent[recent.length - 1];
    if (last.at > first.at && last.processed > first.processed)
      itemsPerSecond = ((last.processed - first.processed) * 1000) / (last.at - first.at);
  }
  if (itemsPerSecond === undefined) {
    const elapsed = now - Date.parse(batch.startDate);
    if (processed > 0 && elapsed > 0) itemsPerSecond = (processed * 1000) / elapsed;
  }
  if (!itemsPerSecond) return undefined;
  // Counts arrive in steps (a report a second per shard): a step can read faster than the batch may
  // go, and a rate above its own limit is never the truth.
  if (batch.itemsPerSecond) itemsPerSecond = Math.min(itemsPerSecond, batch.itemsPerSecond);
  return {
    itemsPerSecond,
    estimatedEnd: pending > 0 ? new Date(now + (pending / itemsPerSecond) * 1000) : undefined,
  };
}

/** Keeps a sample per poll, only the ones inside the rate window. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const last = samples[samples.length - 1];
  if (last && last.processed === sample.processed && sample.at - last.at < 1000) return [...samples];
  return [...samples.filter((kept) => sample.at - kept.at <= RATE_WINDOW_MS), sample];
}

export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
