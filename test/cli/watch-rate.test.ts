import { describe, expect, it } from 'vitest';
import { progressOf } from '../../cli/watch.ts';

describe("watch's rate", () => {
  it("never shows a rate above the batch's own limit, and estimates the end from the rate it shows", () => {
    // Prepare: counts that jumped by 52 in a second on a batch limited to 20 items/s.
    const batch = {
      batchOperationKey: '1',
      state: 'ACTIVE',
      operationsTotalCount: 100,
      operationsCompletedCount: 50,
      operationsFailedCount: 0,
    };

    // Act
    const limited = progressOf({ ...batch, itemsPerSecond: 20 }, 52.2);
    const unlimited = progressOf(batch, 52.2);

    // Assess
    expect(limited).toMatchObject({ rate: 20, etaSeconds: 2.5 });
    expect(unlimited.rate).toBe(52.2);
  });
});
