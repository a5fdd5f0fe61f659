import { z } from 'zod';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { services } from '#commons/services.ts';
import { awaitResumption } from '#domain/execution/await-resumption.ts';

const input = z.object({ batchOperationKey: z.string(), taskToken: z.string().min(1) });

/** State "Await resumption": invoked with a task token; the execution waits until it is sent back. */
export const handler = observed(async (event: unknown) => {
  const { batches, workflow } = services();
  const request = input.parse(event);
  logger.appendKeys({ batchOperationKey: request.batchOperationKey });
  const result = await awaitResumption({ batches, workflow }, request);
  logger.info(result.waiting ? 'Waiting for resumption' : 'Batch no longer suspended: continuing');
  return result;
});
