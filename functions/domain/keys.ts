/**
 * Keys are 64-bit integers serialized as decimal strings, as in Camunda 8. They start at 2^51 (as
 * Zeebe's partition-1 keys do) so they all have 16 digits: string order is numeric order.
 */
export const KEY_BASE = 2n ** 51n;

export function keyFromSequence(sequence: number): string {
  return (KEY_BASE + BigInt(sequence)).toString();
}

export function isKey(value: string): boolean {
  return /^\d{1,19}$/.test(value);
}

/** The shard an instance belongs to: derived from its key alone, so it never changes. */
export function shardOf(key: string, shardCount: number): number {
  return Number(BigInt(key) % BigInt(shardCount));
}

export function shardIds(shardCount: number): number[] {
  return Array.from({ length: shardCount }, (_, shard) => shard);
}
