import { describe, expect, it } from 'vitest';
import { bucketOf, isKey, KEY_BASE, keyFromSequence, shardIds, shardOf } from '#domain/keys.ts';

describe('keys and shards', () => {
  it('makes 16-digit keys from a sequence, so string order is numeric order', () => {
    expect(keyFromSequence(0)).toBe(KEY_BASE.toString());
    expect(keyFromSequence(1)).toBe('2251799813685249');
    const keys = [keyFromSequence(10), keyFromSequence(9), keyFromSequence(100)];
    expect([...keys].sort()).toEqual([keyFromSequence(9), keyFromSequence(10), keyFromSequence(100)]);
  });

  it.each([1, 2, 3, 8])('spreads keys taken in strides of %i evenly over the shards', (stride) => {
    const counts = new Array(8).fill(0);
    for (let index = 0; index < 8000; index++) counts[shardOf(keyFromSequence(index * stride), 8)]++;
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it("spreads a shard's keys evenly over its buckets, so shard × bucket has shards × buckets values", () => {
    const counts = new Map<string, number>();
    for (let index = 0; index < 32_000; index++) {
      const key = keyFromSequence(index * 3);
      const partition = `${shardOf(key, 8)}#${bucketOf(key, 8, 16)}`;
      counts.set(partition, (counts.get(partition) ?? 0) + 1);
    }
    expect(counts.size).toBe(128);
    for (const count of counts.values()) expect(Math.abs(count - 250)).toBeLessThan(75);
  });

  it('derives the shard from the key alone', () => {
    expect(shardOf('2251799813685249', 8)).toBe(shardOf('2251799813685249', 8));
    expect(shardOf('2251799813685249', 1)).toBe(0);
  });

  it('lists the shard ids and recognizes keys', () => {
    expect(shardIds(3)).toEqual([0, 1, 2]);
    expect(isKey('2251799813685249')).toBe(true);
    expect(isKey('12a')).toBe(false);
    expect(isKey('')).toBe(false);
  });
});
