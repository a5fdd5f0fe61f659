import { z } from 'zod';
import { services } from '../commons/services.ts';
import { startBatch } from '../domain/batch/lifecycle/start-batch.ts';

const input = z.object({ batchOperationKey: z.string(), executionArn: z.string() });

/** State "Creation": the batch becomes ACTIVE and the execution learns its shards. */
export const handler = (event: unknown) => {
  const { batches, config } = services();
  return startBatch({ batches, pollSeconds: config.PROGRESS_POLL_SECONDS }, input.parse(event));
};
