import { z } from 'zod';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { services } from '#commons/services.ts';
import { dispatchChunks } from '#domain/execution/dispatch-chunks.ts';
import { shardInput } from './shard-input.ts';

const dispatchInput = shardInput.extend({ dispatchRound: z.number().int().min(0) });

/** State "Dispatch shard chunks" (one Map iteration per shard). */
export const handler = observed(async (event: unknown) => {
  const { batches, chunks, chunkQueue } = services();
  const request = dispatchInput.parse(event);
  logger.appendKeys(request);
  const result = await dispatchChunks({ batches, chunks, queue: chunkQueue }, request);
  logger.info('Chunks dispatched', { dispatched: result.dispatched });
  return result;
});
