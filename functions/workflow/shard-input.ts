import { z } from 'zod';

/** The input of every per-shard Map iteration. */
export const shardInput = z.object({ batchOperationKey: z.string(), shard: z.number().int().min(0) });
