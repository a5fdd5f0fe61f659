import { z } from 'zod';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { services } from '#commons/services.ts';
import { failBatch } from '#domain/completion/fail-batch.ts';
import { reportFinishedBatch } from './finished-batch-metrics.ts';

const input = z.object({
  batchOperationKey: z.string(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

/** State "Record failure": reached through Catch from any phase. */
export const handler = observed(async (event: unknown) => {
  const request = input.parse(event);
  logger.appendKeys({ batchOperationKey: request.batchOperationKey });
  logger.error('Batch workflow failed', { error: request.error, cause: request.cause });
  const result = await failBatch({ batches: services().batches, now: () => new Date() }, request);
  reportFinishedBatch(result);
  return result;
});
