import { z } from 'zod';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { services } from '#commons/services.ts';
import { startBatch } from '#domain/creation/start-batch.ts';

const input = z.object({ batchOperationKey: z.string(), executionArn: z.string() });

/** State "Creation": the batch becomes ACTIVE and the execution learns its shards. */
export const handler = observed(async (event: unknown) => {
  const { batches, config } = services();
  const request = input.parse(event);
  logger.appendKeys({ batchOperationKey: request.batchOperationKey });
  const started = await startBatch(
    { batches, pollSeconds: config.PROGRESS_POLL_SECONDS, now: () => new Date() },
    request,
  );
  logger.info('Batch started', { executionArn: request.executionArn, shards: started.shards.length });
  return started;
});
