import type { EngineBudget } from '#ports/engine-budget.ts';
import { type BatchOperation, DEFAULT_PRIORITY } from '../batch/batch-operation.ts';
import { LEASE_SECONDS } from './engine-budget.ts';

/**
 * A chunk's way through the engine's shared budget: before each group of items it takes items from
 * a lease, and leases again (one conditional write) only when the lease is used up, for about
 * LEASE_SECONDS of the batch's share and never more than the chunk still holds, so nothing leased is
 * wasted. Leases are taken one at a time for the chunk's lanes. Without a budget it never waits.
 */
export function budgetGate(
  budget: EngineBudget | undefined,
  batch: BatchOperation,
  itemCount: number,
  now: () => Date,
) {
  let controls = { priority: batch.priority, itemsPerSecond: batch.itemsPerSecond };
  let leased = 0;
  let startsAt = 0;
  let share: number | undefined;
  let left = itemCount;
  let queue: Promise<unknown> = Promise.resolve();
  const take = async (count: number) => {
    if (!budget) return 0;
    if (leased < count) {
      const wanted = Math.max(count - leased, Math.ceil((share ?? count) * LEASE_SECONDS));
      const size = Math.min(wanted, Math.max(left - leased, count - leased));
      const lease = await budget.lease({
        batchOperationKey: batch.batchOperationKey,
        priority: controls.priority ?? DEFAULT_PRIORITY,
        ...(controls.itemsPerSecond ? { itemsPerSecond: controls.itemsPerSecond } : {}),
        count: size,
        now: now().getTime(),
      });
      leased += size;
      share = lease.itemsPerSecond;
      startsAt = now().getTime() + lease.waitMs;
    }
    leased -= count;
    left -= count;
    return Math.max(0, startsAt - now().getTime());
  };
  return {
    /** How long (ms) to wait before `count` items may start. */
    acquire(count: number): Promise<number> {
      const wait = queue.then(() => take(count));
      queue = wait.catch(() => undefined);
      return wait;
    },
    /** The batch as read now: a new priority or rate counts from the next lease on. */
    retune(current: BatchOperation): void {
      controls = { priority: current.priority, itemsPerSecond: current.itemsPerSecond };
    },
  };
}
export type BudgetGate = ReturnType<typeof budgetGate>;
