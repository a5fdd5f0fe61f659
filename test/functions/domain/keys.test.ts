import { describe, expect, it } from 'vitest';
import { isKey, KEY_BASE, keyFromSequence, shardIds, shardOf } from '../../../functions/domain/keys.ts';

describe('keys and shards', () => {
  it('makes 16-digit keys from a sequence, so string order is numeric order', () => {
    expect(keyFromSequence(0)).toBe(KEY_BASE.toString());
    expect(keyFromSequence(1)).toBe('2251799813685249');
    const keys = [keyFromSequence(10), keyFromSequence(9), keyFromSequence(100)];
    expect([...keys].sort()).toEqual([keyFromSequence(9), keyFromSequence(10), keyFromSequence(100)]);
  });

  it('derives an instance shard from its key alone, spreading consecutive keys evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let sequence = 0; sequence < 400; sequence++) counts[shardOf(keyFromSequence(sequence), 4)]++;
    expect(counts).toEqual([100, 100, 100, 100]);
    expect(shardOf('2251799813685249', 8)).toBe(shardOf('2251799813685249', 8));
  });

  it('lists the shard ids and recognizes keys', () => {
    expect(shardIds(3)).toEqual([0, 1, 2]);
    expect(isKey('2251799813685249')).toBe(true);
    expect(isKey('12a')).toBe(false);
    expect(isKey('')).toBe(false);
  });
});
