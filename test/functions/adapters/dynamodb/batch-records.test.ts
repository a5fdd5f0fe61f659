import { describe, expect, it } from 'vitest';
import { packItems, toChunk } from '#adapters/dynamodb/batch-records.ts';
import { chunkSortKey, type ItemOutcome } from '#domain/batch/chunk.ts';

const DATE = '2026-06-01T12:00:00.000Z';

function roundTrip(items: ItemOutcome[]) {
  const packed = packItems(items);
  const chunk = toChunk({ batchOperationKey: '9', chunk: chunkSortKey(1, 2), state: 'DONE', ...packed });
  return { packed, items: chunk.items };
}

describe('packed chunk items', () => {
  it('stores an instance item key once and reads every outcome back', () => {
    const items: ItemOutcome[] = [
      { itemKey: '11', processInstanceKey: '11', state: 'COMPLETED', processedDate: DATE },
      { itemKey: '12', processInstanceKey: '12', state: 'FAILED', processedDate: DATE, errorMessage: 'gone' },
      { itemKey: '13', processInstanceKey: '13', state: 'ACTIVE' },
    ];

    const { packed, items: read } = roundTrip(items);

    expect(packed.keys).toBe('11 12 13');
    expect(packed.instanceKeys).toBeUndefined();
    expect(read).toEqual(items);
  });

  it("keeps each job item's instance key apart from its job key", () => {
    const items: ItemOutcome[] = [
      { itemKey: '21', processInstanceKey: '7', state: 'COMPLETED', processedDate: DATE },
      { itemKey: '22', processInstanceKey: '7', state: 'ACTIVE' },
      { itemKey: '23', processInstanceKey: '8', state: 'FAILED', processedDate: DATE, errorMessage: 'done' },
    ];

    const { packed, items: read } = roundTrip(items);

    expect(packed).toMatchObject({ keys: '21 22 23', instanceKeys: '7 7 8' });
    expect(read).toEqual(items);
  });
});
