import type { BatchExecutions } from '#ports/batch-executions.ts';
import type { BatchScheduler } from '#ports/batch-scheduler.ts';
import type { BatchStore } from '#ports/batch-store.ts';
import { isShardFinished } from '../batch/batch-operation.ts';
import { scheduleResumption } from '../controls/maintenance-windows.ts';

/** A batch younger than this may still be between its creation and the start of its execution. */
export const CREATION_GRACE_SECONDS = 60;

/**
 * Finds batches whose execution was lost (the embedded runtime was killed, an execution was stopped
 * or failed outside its Catch) and starts a new one. Every step of the state machine resumes from
 * the stored records: initialized shards are skipped, only pending chunks are sent, counters move
 * once per chunk. So chunk records, not the queue or the execution, decide what is left to do.
 */
export async function recoverBatches(deps: {
  batches: BatchStore;
  workflow: BatchExecutions;
  scheduler: BatchScheduler;
  now: () => Date;
}) {
  const now = deps.now();
  const recovered: string[] = [];
  for await (const batch of deps.batches.unfinishedBatches()) {
    const key = batch.batchOperationKey;
    // A scheduled batch has no execution until its time: its schedule is set again (the embedded
    // runtime's timer forgets at a restart; EventBridge's keeps it), and a past one fires at once.
    if (batch.state === 'CREATED' && batch.startAt) {
      await deps.scheduler.schedule({ batchOperationKey: key, action: 'start' }, new Date(batch.startAt));
      continue;
    }
    const age = (now.getTime() - Date.parse(batch.startDate)) / 1000;
    if (!batch.executionArn && age < CREATION_GRACE_SECONDS) continue;
    // A batch its window paused waits for the next opening: its resumption is scheduled again too.
    if (batch.windowPausedAt) await scheduleResumption(deps, batch, now);
    if (await deps.workflow.isRunning(key, batch.executionArn)) continue;
    if (batch.state === 'CANCELED') {
      // Canceled batches only need an execution while chunks remain to be accounted for.
      const found = await deps.batches.getBatch(key);
      if (!found || found.shards.every(isShardFinished)) continue;
    }
    await deps.workflow.start(key, `recovery-${now.getTime()}`);
    recovered.push(key);
  }
  return { recovered };
}
