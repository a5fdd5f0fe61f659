import { describe, expect, it } from 'vitest';
import { rateMeters } from '#domain/execution/rate-meter.ts';

const id = { batchOperationKey: '7', shard: 1, chunk: 0 };
const at = (ms: number) => new Date(Date.UTC(2026, 2, 1) + ms);

describe('a shard rate meter', () => {
  it('measures the items finished over the last five seconds', () => {
    const meters = rateMeters();
    // 10 items a second for 8 s, then 2 a second for 5 s.
    for (let second = 1; second <= 8; second++) meters.record(id, 10, at(second * 1000));
    expect(meters.rate(id, at(8000))?.itemsPerSecond).toBe(10);
    for (let second = 9; second <= 13; second++) meters.record(id, 2, at(second * 1000));
    expect(meters.rate(id, at(13_000))).toEqual({ itemsPerSecond: 2, at: at(13_000).toISOString() });
  });

  it('has no rate before a second was measured, and falls to 0 when nothing finishes', () => {
    const meters = rateMeters();
    meters.record(id, 25, at(0));
    expect(meters.rate(id, at(500))).toBeUndefined();
    expect(meters.rate({ ...id, shard: 2 }, at(500))).toBeUndefined();
    expect(meters.rate(id, at(20_000))?.itemsPerSecond).toBe(0);
  });
});
