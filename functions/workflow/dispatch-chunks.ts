import { logger } from '../commons/logger.ts';
import { observed } from '../commons/observed.ts';
import { services } from '../commons/services.ts';
import { dispatchChunks } from '../domain/batch/lifecycle/dispatch-chunks.ts';
import { shardInput } from './shard-input.ts';

/** State "Dispatch shard chunks" (one Map iteration per shard). */
export const handler = observed(async (event: unknown) => {
  const { batches, chunkQueue } = services();
  const request = shardInput.parse(event);
  logger.appendKeys(request);
  const result = await dispatchChunks({ batches, queue: chunkQueue }, request);
  logger.info('Chunks dispatched', { dispatched: result.dispatched });
  return result;
});
