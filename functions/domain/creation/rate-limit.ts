/** A paced chunk may take at most this long: half the worker's 120-second timeout. */
export const MAX_PACED_CHUNK_SECONDS = 60;

/** The rate at which a shard's chunk takes exactly MAX_PACED_CHUNK_SECONDS (the rate is shared by the shards). */
export const lowestItemsPerSecond = (shardCount: number, chunkSize: number) =>
  (chunkSize * shardCount) / MAX_PACED_CHUNK_SECONDS;

/**
 * The lowest `itemsPerSecond` a batch may ask for, as clients state it: rounded up to hundredths, so
 * that the stated value is always accepted (13.34 with 8 shards and chunks of 100).
 */
export const minimumItemsPerSecond = (shardCount: number, chunkSize: number) =>
  // The epsilon keeps an exact quotient (3.00) from rounding up a hundredth on a binary fraction.
  Math.ceil(lowestItemsPerSecond(shardCount, chunkSize) * 100 - 1e-9) / 100;

/** Why a rate is refused, or undefined when it is allowed. */
export function rateProblem(
  itemsPerSecond: number,
  shardCount: number,
  chunkSize: number,
): string | undefined {
  if (itemsPerSecond >= lowestItemsPerSecond(shardCount, chunkSize)) return undefined;
  return `itemsPerSecond must be at least ${minimumItemsPerSecond(shardCount, chunkSize)}: the rate is shared by ${shardCount} shards, and each shard's chunk of ${chunkSize} items must finish within ${MAX_PACED_CHUNK_SECONDS} s`;
}
