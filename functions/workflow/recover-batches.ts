import { logger } from '#commons/logger.ts';
import { MetricName, recordMetrics } from '#commons/metrics.ts';
import { observed } from '#commons/observed.ts';
import { batchScheduler, services } from '#commons/services.ts';
import { recoverBatches } from '#domain/recovery/recover-batches.ts';

/** Scheduled sweep (and the embedded runtime's start-up): re-drives batches whose execution was lost. */
export const handler = observed(async () => {
  const { batches, workflow } = services();
  const { recovered } = await recoverBatches({
    batches,
    workflow,
    scheduler: batchScheduler(),
    now: () => new Date(),
  });
  if (recovered.length > 0) {
    logger.warn('Batches without a running execution picked up again', { recovered });
    recordMetrics({}, [{ name: MetricName.RecoveredBatches, unit: 'Count', value: recovered.length }]);
  }
  return { recovered };
});
