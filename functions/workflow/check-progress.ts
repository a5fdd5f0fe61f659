import { z } from 'zod';
import { queryRetrySettings } from '#commons/config.ts';
import { logger } from '#commons/logger.ts';
import { MetricName, recordMetrics } from '#commons/metrics.ts';
import { observed } from '#commons/observed.ts';
import { services } from '#commons/services.ts';
import { checkProgress } from '#domain/execution/check-progress.ts';

const input = z.object({
  batchOperationKey: z.string(),
  shards: z.array(z.number().int()),
  pollSeconds: z.number().int().min(1),
  progress: z.object({ done: z.number().int(), since: z.string() }),
  dispatchRound: z.number().int().min(0),
  suspensionsSeen: z.number().int().min(0),
});

/** State "Check progress" of the execution phase's backed-off poll; also the batch's watchdog. */
export const handler = observed(async (event: unknown) => {
  const { batches, chunks, chunkQueue, config } = services();
  const request = input.parse(event);
  logger.appendKeys({ batchOperationKey: request.batchOperationKey });
  const { batchOperationType, ...result } = await checkProgress(
    {
      batches,
      chunks,
      queue: chunkQueue,
      now: () => new Date(),
      stallSeconds: config.STALL_ALARM_SECONDS,
      engineRetry: queryRetrySettings(config),
    },
    request,
  );
  if (result.suspended) logger.info('Batch suspended: the execution waits for resumption');
  if (result.engineRetried)
    logger.info('Chunks held for the engine sent again', { redispatched: result.redispatched });
  if (!result.stalled && result.redispatched > 0)
    logger.info('Chunks held back by a suspension sent again', { redispatched: result.redispatched });
  if (result.stalled) {
    logger.warn('Batch without progress: pending chunks sent again', {
      done: result.progress.done,
      redispatched: result.redispatched,
    });
    recordMetrics({ OperationType: batchOperationType }, [
      { name: MetricName.StalledBatches, unit: 'Count', value: 1 },
    ]);
    recordMetrics({}, [{ name: MetricName.StalledBatches, unit: 'Count', value: 1 }]);
  }
  return result;
});
