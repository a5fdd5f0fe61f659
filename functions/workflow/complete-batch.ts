import { z } from 'zod';
import { services } from '../commons/services.ts';
import { completeBatch } from '../domain/batch/lifecycle/complete-batch.ts';

const input = z.object({ batchOperationKey: z.string() });

/** State "Completion": the leader's aggregation into the final state. */
export const handler = async (event: unknown) =>
  completeBatch({ batches: services().batches, now: () => new Date() }, input.parse(event));
