import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_SIZE } from '#commons/config.ts';
import {
  boundedErrorMessage,
  chunked,
  chunkSortKey,
  DDB_ITEM_MAX_BYTES,
  errorMessageBudget,
  type ItemOutcome,
  MAX_ERROR_MESSAGES_PER_CHUNK,
  MAX_ITEM_ERROR_MESSAGE_BYTES,
  OTHER_ERRORS,
  parseChunkSortKey,
  pendingItem,
  TRUNCATION_MARK,
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

/**
 * An item's size as DynamoDB counts it (Developer Guide, "Item sizes and formats"): UTF-8 bytes of
 * names and strings, numbers at most 21 bytes, and 3 bytes per list or map plus 1 byte per element.
 */
function dynamoSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return 21;
  if (Array.isArray(value))
    return 3 + value.reduce((sum: number, element) => sum + 1 + dynamoSize(element), 0);
  const entries = Object.entries(value as Record<string, unknown>);
  return (
    3 + entries.reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + dynamoSize(element), 0)
  );
}

/** The largest chunk record of `count` items: the longest key, state, date, and message its budget allows. */
function worstChunkRecordSize(count: number): number {
  const message = boundedErrorMessage('x'.repeat(10_000), errorMessageBudget(count));
  const items: ItemOutcome[] = Array.from({ length: count }, () => ({
    itemKey: '9'.repeat(19),
    processInstanceKey: '9'.repeat(19),
    state: 'COMPLETED',
    processedDate: '2026-12-31T23:59:59.999Z',
    errorMessage: message,
  }));
  return dynamoSize({
    batchOperationKey: '9'.repeat(19),
    chunk: chunkSortKey(9999, 999_999),
    state: 'PENDING',
    items,
  });
}

describe('item error messages', () => {
  it('keeps a message within the bound unchanged', () => {
    const message = `Expected to cancel process instance with key '${'9'.repeat(19)}', but it is COMPLETED`;
    expect(boundedErrorMessage(message, Buffer.byteLength(message))).toBe(message);
  });

  it('cuts a longer message between characters to at most the bound, marked as cut', () => {
    // Prepare: 1-, 2-, 3- and 4-byte characters, so the cut falls inside a character unless done right.
    const message = `Expected to move a token from ${'aé€😀'.repeat(200)}`;
    // Act
    const bounded = boundedErrorMessage(message, 200);
    // Assess
    expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(bounded)).toBeGreaterThan(200 - 4);
    expect(bounded.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(message.startsWith(bounded.slice(0, -TRUNCATION_MARK.length))).toBe(true);
    expect(bounded).not.toMatch(/\uFFFD/);
  });

  it('gives each item of a chunk a message budget that shrinks with the chunk, from 1,024 bytes to 233 at 1,000 items', () => {
    expect([1, 100, 317, 318, 500, MAX_CHUNK_SIZE].map(errorMessageBudget)).toEqual([
      MAX_ITEM_ERROR_MESSAGE_BYTES,
      MAX_ITEM_ERROR_MESSAGE_BYTES,
      MAX_ITEM_ERROR_MESSAGE_BYTES,
      1023,
      601,
      233,
    ]);
  });

  it('keeps the worst-case chunk record of every size up to the largest 10% under the item limit', () => {
    // Prepare: every chunk size, each item with the longest key, state, date and the message its budget allows.
    const sizes = Array.from({ length: MAX_CHUNK_SIZE }, (_, index) => index + 1);
    // Act
    const largest = Math.max(...sizes.map(worstChunkRecordSize));
    // Assess
    expect(largest).toBeLessThanOrEqual(DDB_ITEM_MAX_BYTES * 0.9);
    expect(worstChunkRecordSize(MAX_CHUNK_SIZE)).toBeGreaterThan(DDB_ITEM_MAX_BYTES * 0.85);
  });
});
