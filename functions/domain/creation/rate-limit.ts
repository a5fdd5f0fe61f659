/** A paced chunk may take at most this long: half the worker's 120-second timeout. */
export const MAX_PACED_CHUNK_SECONDS = 60;

/**
 * The lowest `itemsPerSecond` a batch may ask for: the rate is shared by the shards, and each shard's
 * chunk must finish within MAX_PACED_CHUNK_SECONDS. Whole items per second, so that a client can
 * state it and check it before it asks.
 */
export const minimumItemsPerSecond = (shardCount: number, chunkSize: number) =>
  Math.ceil((chunkSize * shardCount) / MAX_PACED_CHUNK_SECONDS);

/** Why a rate is refused, or undefined when it is allowed. */
export function rateProblem(
  itemsPerSecond: number,
  shardCount: number,
  chunkSize: number,
): string | undefined {
  const lowest = minimumItemsPerSecond(shardCount, chunkSize);
  if (itemsPerSecond >= lowest) return undefined;
  return `itemsPerSecond must be at least ${lowest}: the rate is shared by ${shardCount} shards, and each shard's chunk of ${chunkSize} items must finish within ${MAX_PACED_CHUNK_SECONDS} s`;
}
