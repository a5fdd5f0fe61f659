import { services } from '../commons/services.ts';
import { dispatchChunks } from '../domain/batch/lifecycle/dispatch-chunks.ts';
import { shardInput } from './shard-input.ts';

/** State "Dispatch shard chunks" (one Map iteration per shard). */
export const handler = (event: unknown) => {
  const { batches, chunkQueue } = services();
  return dispatchChunks({ batches, queue: chunkQueue }, shardInput.parse(event));
};
