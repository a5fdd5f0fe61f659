import { z } from 'zod';
import { services } from '../commons/services.ts';
import { failBatch } from '../domain/batch/lifecycle/complete-batch.ts';

const input = z.object({
  batchOperationKey: z.string(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

/** State "Record failure": reached through Catch from any phase. */
export const handler = async (event: unknown) =>
  failBatch({ batches: services().batches, now: () => new Date() }, input.parse(event));
