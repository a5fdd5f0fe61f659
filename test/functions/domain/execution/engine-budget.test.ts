import { describe, expect, it } from 'vitest';
import { backedOff, emptyBudget, leaseFrom, sharesOf } from '#domain/execution/engine-budget.ts';

describe('the shares of the engine budget', () => {
  it('splits the budget in proportion to the priorities', () => {
    const shares = sharesOf(1000, [
      { key: 'a', weight: 30 },
      { key: 'b', weight: 10 },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ a: 750, b: 250 });
  });

  it("gives what a batch's own rate leaves to the others, in proportion again", () => {
    const shares = sharesOf(1000, [
      { key: 'capped', weight: 80, cap: 100 },
      { key: 'b', weight: 10 },
      { key: 'c', weight: 30 },
    ]);
    expect(Object.fromEntries(shares)).toEqual({ capped: 100, b: 225, c: 675 });
  });

  it('starves no batch: the lowest priority still gets its part', () => {
    const shares = sharesOf(1000, [
      { key: 'high', weight: 100 },
      { key: 'low', weight: 1 },
    ]);
    expect(shares.get('low')).toBeCloseTo(1000 / 101, 6);
  });
});

describe('a lease', () => {
  it("moves the batch's reservation on by the items over its share: the next lease waits for it", () => {
    const first = leaseFrom(emptyBudget(100, 0), 100, {
      batchOperationKey: 'a',
      priority: 10,
      count: 50,
      now: 0,
    });
    expect(first.lease).toEqual({ waitMs: 0, itemsPerSecond: 100 });
    const second = leaseFrom(first.state, 100, { batchOperationKey: 'a', priority: 10, count: 50, now: 100 });
    expect(second.lease).toEqual({ waitMs: 400, itemsPerSecond: 100 });
  });

  it('drops a batch that stopped leasing, so a suspended batch holds no share', () => {
    let state = leaseFrom(emptyBudget(100, 0), 100, {
      batchOperationKey: 'gone',
      priority: 90,
      count: 1,
      now: 0,
    }).state;
    state = leaseFrom(state, 100, { batchOperationKey: 'b', priority: 10, count: 1, now: 10 }).state;
    expect(Object.keys(state.members).sort()).toEqual(['b', 'gone']);
    const later = leaseFrom(state, 100, { batchOperationKey: 'b', priority: 10, count: 1, now: 5_000 });
    expect(Object.keys(later.state.members)).toEqual(['b']);
    expect(later.lease.itemsPerSecond).toBe(100);
  });

  it('halves the budget on backpressure and grows it back by a tenth of the maximum per second', () => {
    const pushed = backedOff(emptyBudget(1000, 0), 1000, 0);
    expect(pushed.effectiveRate).toBe(500);
    const { lease } = leaseFrom(pushed, 1000, { batchOperationKey: 'a', priority: 10, count: 1, now: 2_000 });
    expect(lease.itemsPerSecond).toBe(700);
  });
});
