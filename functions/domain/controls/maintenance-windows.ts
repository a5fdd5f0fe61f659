import type { BatchAuditLog } from '#ports/batch-audit-log.ts';
import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchScheduler } from '#ports/batch-scheduler.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import type { BatchOperation } from '../batch/batch-operation.ts';
import { describeWindow, isInsideWindows, nextWindowOpening } from '../batch/maintenance-window.ts';

/** What pausing and resuming a batch by its maintenance windows needs. */
export interface WindowDeps {
  batches: BatchStore;
  scheduler: BatchScheduler;
  audit: BatchAuditLog;
  now: () => Date;
}

const ACTOR = { actorType: 'SYSTEM', actorId: 'maintenance-window' } as const;

/** Whether the batch has windows and `now` lies outside every one of them. */
export const isOutsideWindows = (batch: BatchOperation, now: Date) =>
  batch.windows !== undefined && !isInsideWindows(batch.windows, now);

/**
 * The batch is outside all its windows: it requests its own suspension (the first worker to notice
 * wins), in effect once the items in flight have finished, as a user's; its resumption is scheduled
 * for the next window's opening, and the pause is in its audit log with the reason.
 */
export async function pauseOutsideWindows(deps: WindowDeps, batch: BatchOperation): Promise<void> {
  const now = deps.now();
  const { batchOperationKey, windows = [] } = batch;
  if (!(await deps.batches.requestWindowPause(batchOperationKey, now.toISOString()))) return;
  const opening = await scheduleResumption(deps, batch, now);
  await deps.audit.record({
    ...ACTOR,
    batchOperationKey,
    action: 'SUSPEND',
    timestamp: now.toISOString(),
    reason: `Outside every maintenance window (${windows.map(describeWindow).join('; ')}); ${opening ? `the next opens at ${opening.toISOString()}` : 'none opens again'}`,
  });
}

/** Schedules the batch's resumption at its next window's opening; that opening, if any. */
export async function scheduleResumption(
  deps: Pick<WindowDeps, 'scheduler'>,
  batch: BatchOperation,
  now: Date,
): Promise<Date | undefined> {
  const opening = nextWindowOpening(batch.windows ?? [], now);
  if (opening)
    await deps.scheduler.schedule({ batchOperationKey: batch.batchOperationKey, action: 'resume' }, opening);
  return opening;
}

/**
 * A window of the batch opened: a batch its window paused resumes (a user's suspension stays, and
 * a resumption that came early is scheduled again), its execution is woken, and the resumption is
 * in its audit log with the window.
 */
export async function resumeInsideWindow(
  deps: WindowDeps & { workflow: BatchExecutions },
  batchOperationKey: string,
): Promise<boolean> {
  const batch = await deps.batches.getBatchRecord(batchOperationKey);
  if (!batch?.windowPausedAt) return false;
  const now = deps.now();
  const open = batch.windows?.find((window) => isInsideWindows([window], now));
  if (!open) {
    await scheduleResumption(deps, batch, now);
    return false;
  }
  const resumed = await deps.batches.requestChange(batchOperationKey, 'resume', now.toISOString());
  if (resumed.outcome !== 'changed') return false;
  if (resumed.resumptionToken) await deps.workflow.resume(resumed.resumptionToken);
  await deps.audit.record({
    ...ACTOR,
    batchOperationKey,
    action: 'RESUME',
    timestamp: now.toISOString(),
    reason: `Maintenance window open (${describeWindow(open)})`,
  });
  return true;
}
