import { z } from 'zod';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { services } from '#commons/services.ts';
import { completeBatch } from '#domain/completion/complete-batch.ts';
import { reportFinishedBatch } from './finished-batch-metrics.ts';

const input = z.object({ batchOperationKey: z.string() });

/** State "Completion": the leader's aggregation into the final state. */
export const handler = observed(async (event: unknown) => {
  const request = input.parse(event);
  logger.appendKeys(request);
  const result = await completeBatch({ batches: services().batches, now: () => new Date() }, request);
  reportFinishedBatch(result);
  return result;
});
