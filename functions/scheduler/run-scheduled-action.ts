import { z } from 'zod';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { batchScheduler, now, services } from '#commons/services.ts';
import { resumeInsideWindow } from '#domain/controls/maintenance-windows.ts';
import { startScheduledBatch } from '#domain/controls/start-scheduled-batch.ts';

const scheduledEvent = z.object({ batchOperationKey: z.string(), action: z.enum(['start', 'resume']) });

/**
 * A batch's one-time schedule came due (EventBridge Scheduler on AWS, the embedded runtime's timer):
 * a scheduled batch starts, or a batch its maintenance window paused resumes. Whatever happened
 * meanwhile (canceled, started or resumed by hand) makes it a no-op.
 */
export const handler = observed(async (event: unknown) => {
  const { batchOperationKey, action } = scheduledEvent.parse(event);
  const { batches, workflow, audit } = services();
  logger.appendKeys({ batchOperationKey });
  if (action === 'resume') {
    const resumed = await resumeInsideWindow(
      { batches, workflow, audit, scheduler: batchScheduler(), now },
      batchOperationKey,
    );
    logger.info(
      resumed ? 'Batch resumed: its maintenance window opened' : 'Scheduled action no longer applies',
      {
        action,
      },
    );
    return { done: resumed };
  }
  const batch = await batches.getBatchRecord(batchOperationKey);
  const scheduledFor = batch?.startAt;
  const done = await startScheduledBatch(
    { batches, workflow, scheduler: batchScheduler() },
    batchOperationKey,
  );
  if (!done) {
    logger.info('Scheduled action no longer applies', { action });
    return { done };
  }
  await audit.record({
    batchOperationKey,
    action: 'START',
    actorType: 'SYSTEM',
    actorId: 'scheduler',
    timestamp: now().toISOString(),
    reason: `Scheduled start at ${scheduledFor}`,
  });
  logger.info('Scheduled batch started', { scheduledFor });
  return { done };
});
