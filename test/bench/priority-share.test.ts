import { describe, expect, it } from 'vitest';
import { summarize } from '../../bench/priority-share.ts';

describe('the priority-share scenario', () => {
  it("reports each batch's rate over the overlap, the total against the budget and the shares against the weights", () => {
    const samples = [
      { at: 10_000, processed: [100, 40] },
      { at: 20_000, processed: [2_350, 790] },
    ];
    expect(summarize(samples, [30, 10], 300)).toEqual({
      overlapMs: 10_000,
      batches: [
        { priority: 30, itemsPerSecond: 225, share: 0.75, expectedShare: 0.75 },
        { priority: 10, itemsPerSecond: 75, share: 0.25, expectedShare: 0.25 },
      ],
      totalItemsPerSecond: 300,
      totalToBudget: 1,
      worstShareError: 0,
    });
  });
});
