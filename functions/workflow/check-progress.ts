import { z } from 'zod';
import { services } from '../commons/services.ts';
import { checkProgress } from '../domain/batch/lifecycle/check-progress.ts';

const input = z.object({
  batchOperationKey: z.string(),
  shards: z.array(z.number().int()),
  pollSeconds: z.number().int().min(1),
});

/** State "Check progress" of the execution phase's backed-off poll. */
export const handler = async (event: unknown) =>
  checkProgress({ batches: services().batches }, input.parse(event));
