import { describe, expect, it } from 'vitest';
import {
  chunked,
  chunkSortKey,
  MAX_ERROR_MESSAGES_PER_CHUNK,
  OTHER_ERRORS,
  parseChunkSortKey,
  pendingItem,
  tallyOf,
} from '#domain/batch/chunk.ts';

/** A stream of numbers, arriving asynchronously as store pages do. */
async function* numbers(count: number) {
  for (let index = 0; index < count; index++) yield await Promise.resolve(index);
}

describe('chunk', () => {
  it('groups a stream into chunks of the given size with a shorter last chunk', async () => {
    const chunks: number[][] = [];
    for await (const chunk of chunked(numbers(7), 3)) chunks.push(chunk);
    expect(chunks).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('yields no chunk for an empty stream', async () => {
    const chunks: number[][] = [];
    for await (const chunk of chunked(numbers(0), 3)) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('orders chunk sort keys by shard then chunk number and parses them back', () => {
    expect(chunkSortKey(3, 17)).toBe('0003#000017');
    expect([chunkSortKey(1, 10), chunkSortKey(0, 2), chunkSortKey(1, 9)].sort()).toEqual([
      '0000#000002',
      '0001#000009',
      '0001#000010',
    ]);
    expect(parseChunkSortKey('0003#000017')).toEqual({ shard: 3, chunk: 17 });
  });

  it('tallies completed and skipped items as completed, failed as failed, pending as neither', () => {
    const items = [
      { ...pendingItem('1'), state: 'COMPLETED' as const },
      { ...pendingItem('2'), state: 'SKIPPED' as const },
      { ...pendingItem('3'), state: 'FAILED' as const, errorMessage: "Instance '3' is COMPLETED" },
      pendingItem('4'),
    ];
    expect(tallyOf(items)).toEqual({
      completed: 2,
      failed: 1,
      errors: { "Instance '{processInstanceKey}' is COMPLETED": 1 },
    });
  });

  it('aggregates failure messages without the item key and bounds the distinct lines per chunk', () => {
    const items = Array.from({ length: MAX_ERROR_MESSAGES_PER_CHUNK + 5 }, (_, index) => ({
      ...pendingItem(`7${index}`),
      state: 'FAILED' as const,
      errorMessage: index < 3 ? `Instance '7${index}' is gone` : `reason ${index}`,
    }));
    const { errors } = tallyOf(items);
    expect(errors["Instance '{processInstanceKey}' is gone"]).toBe(3);
    expect(Object.keys(errors)).toHaveLength(MAX_ERROR_MESSAGES_PER_CHUNK + 1);
    // One line for the three 'gone' items, nine more distinct reasons, and the last three under one line.
    expect(errors[OTHER_ERRORS]).toBe(3);
  });
});
