import { services } from '../commons/services.ts';
import { initializeShard } from '../domain/batch/lifecycle/initialize-shard.ts';
import { shardInput } from './shard-input.ts';

/** State "Initialize shard" (one Map iteration per shard). */
export const handler = (event: unknown) => {
  const { batches, instances, config } = services();
  return initializeShard(
    { batches, instances, chunkSize: config.CHUNK_SIZE, queryPageSize: config.QUERY_PAGE_SIZE },
    shardInput.parse(event),
  );
};
