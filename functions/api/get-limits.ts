import { json, jsonApi } from '#commons/http.ts';
import { engine, services } from '#commons/services.ts';
import { MAX_PACED_CHUNK_SECONDS, minimumItemsPerSecond } from '#domain/creation/rate-limit.ts';
import { shardCountOn } from '#domain/initialization/item-provider/shard-items.ts';

/**
 * GET /v2/extensions/limits: the limits creation enforces that depend on this deployment's settings,
 * so that the console and the CLI state them and refuse a value before the operator has gone through
 * the rest (the lowest rate follows from a new batch's shard count, which the engine decides, and the
 * chunk size), and which engine the batches act on (`engine`: the console offers that engine's
 * operation types and query form).
 */
// biome-ignore lint/suspicious/useAwait: middy's handler type wants a promise
export const handler = jsonApi(async () => {
  const { SHARD_COUNT, CHUNK_SIZE } = services().config;
  const configured = engine();
  const shardCount = shardCountOn(configured, SHARD_COUNT);
  return json(200, {
    engine: configured.kind,
    shardCount,
    chunkSize: CHUNK_SIZE,
    itemsPerSecondMinimum: minimumItemsPerSecond(shardCount, CHUNK_SIZE),
    maxPacedChunkSeconds: MAX_PACED_CHUNK_SECONDS,
  });
});
