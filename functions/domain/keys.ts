/**
 * Keys are 64-bit integers serialized as decimal strings, as in Camunda 8. They start at 2^51 (as
 * Zeebe's partition-1 keys do) so they all have 16 digits: string order is numeric order.
 */
export const KEY_BASE = 2n ** 51n;

export function keyFromSequence(sequence: number): string {
  return (KEY_BASE + BigInt(sequence)).toString();
}

/** A key as a path names it: up to 19 digits (a 64-bit integer). */
export const KEY_PATTERN = /^\d{1,19}$/;

export function isKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** 2^64 / golden ratio: multiplying by it scatters any run of keys over the whole 64-bit range. */
const FIBONACCI_MULTIPLIER = 0x9e3779b97f4a7c15n;

/**
 * The shard an instance belongs to: derived from its key alone, so it never changes. The key is
 * hashed first (Fibonacci hashing, high bits) because keys come in strides (an instance and its
 * element instances take consecutive keys): `key mod N` would leave whole shards empty.
 */
export function shardOf(key: string, shardCount: number): number {
  return Number(hashOf(key) % BigInt(shardCount));
}

/**
 * The bucket of a key within its shard (0 … buckets − 1): the hash's part above the shard's, so a
 * shard's keys spread evenly over its buckets whatever the shard count. Fixed by the key, like the shard.
 */
export function bucketOf(key: string, shardCount: number, buckets: number): number {
  return Number((hashOf(key) / BigInt(shardCount)) % BigInt(buckets));
}

/** The high 32 bits of the key's Fibonacci hash. */
function hashOf(key: string): bigint {
  return BigInt.asUintN(64, BigInt(key) * FIBONACCI_MULTIPLIER) >> 32n;
}

export function shardIds(shardCount: number): number[] {
  return Array.from({ length: shardCount }, (_, shard) => shard);
}
