import { json, jsonApi } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { MAX_PACED_CHUNK_SECONDS, minimumItemsPerSecond } from '#domain/creation/rate-limit.ts';

const limits = ({ SHARD_COUNT, CHUNK_SIZE }: { SHARD_COUNT: number; CHUNK_SIZE: number }) => ({
  shardCount: SHARD_COUNT,
  chunkSize: CHUNK_SIZE,
  itemsPerSecondMinimum: minimumItemsPerSecond(SHARD_COUNT, CHUNK_SIZE),
  maxPacedChunkSeconds: MAX_PACED_CHUNK_SECONDS,
});

/**
 * GET /v2/extensions/limits: the limits creation enforces that depend on this deployment's settings,
 * so that the console and the CLI state them and refuse a value before the operator has gone through
 * the rest (the lowest rate follows from the shard count and the chunk size).
 */
export const handler = jsonApi(async () => json(200, limits(services().config)));
