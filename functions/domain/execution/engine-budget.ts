/**
 * The engine's capacity budget (ENGINE_MAX_ITEMS_PER_SECOND), shared by every running batch across
 * every worker and shard, as one small record that workers lease from with a conditional write per
 * group of items (never per item). This module is its arithmetic, free of any store.
 *
 * Each batch has a reservation cursor (`nextAt`): a lease of `count` items starts at the cursor (or now,
 * if later) and moves it on by `count / share`, so the batch's items start no faster than its share
 * whichever of its shards asks. The shares are the budget split in proportion to the priorities of
 * the batches that leased lately (a suspended or scheduled batch leases nothing, so it holds no
 * share), water-filled: a batch capped lower by its own `itemsPerSecond` leaves the rest to the others.
 * No batch starves: every priority is at least 1. Backpressure from the engine halves the effective
 * budget for everyone; it grows back by a tenth of the budget per second while the engine is quiet
 * (the AWS SDK's adaptive retry mode and the Camunda client's backpressure do the same per client).
 */

/** A batch that leased within this span (ms) holds a share: about four leases of a running shard. */
export const ACTIVE_MS = 2_000;
/** A lease covers about this long (s) of the batch's share: few writes, yet a change shows soon. */
export const LEASE_SECONDS = 0.5;
/** After backpressure the budget grows back by this fraction of its maximum per second. */
export const RECOVERY_PER_SECOND = 0.1;
/** Backpressure never takes the effective budget below this fraction of its maximum. */
export const FLOOR_FRACTION = 0.05;

export interface BudgetMember {
  weight: number;
  /** The batch's own `itemsPerSecond`, when it has one. */
  cap?: number;
  /** When it last leased (epoch ms). */
  seenAt: number;
  /** When its next item may start (epoch ms). */
  nextAt: number;
}

/** The budget record: the effective rate after backpressure, and the batches that lease from it. */
export interface BudgetState {
  effectiveRate: number;
  /** When `effectiveRate` was last worked out (epoch ms). */
  updatedAt: number;
  members: Record<string, BudgetMember>;
}

export interface LeaseRequest {
  batchOperationKey: string;
  priority: number;
  itemsPerSecond?: number;
  count: number;
  now: number;
}

export interface Lease {
  /** How long (ms) from now the leased items may start. */
  waitMs: number;
  /** The batch's share now (items per second): what the next lease should cover. */
  itemsPerSecond: number;
}

export const emptyBudget = (maxRate: number, now: number): BudgetState => ({
  effectiveRate: maxRate,
  updatedAt: now,
  members: {},
});

/** The effective rate at `now`: grown back towards the maximum since it was last worked out. */
function recovered(state: BudgetState, maxRate: number, now: number): number {
  const grown =
    state.effectiveRate + (maxRate * RECOVERY_PER_SECOND * Math.max(0, now - state.updatedAt)) / 1000;
  return Math.min(maxRate, grown);
}

/**
 * The budget split by weight among the members, each at most its cap: water-filling, so what a capped
 * member leaves goes to the others in proportion to their weights.
 */
export function sharesOf(
  rate: number,
  members: readonly { key: string; weight: number; cap?: number }[],
): Map<string, number> {
  const shares = new Map<string, number>();
  let open = [...members];
  let left = rate;
  while (open.length > 0) {
    const weights = open.reduce((sum, member) => sum + member.weight, 0);
    const capped = open.filter(
      (member) => member.cap !== undefined && member.cap <= (left * member.weight) / weights,
    );
    if (capped.length === 0) {
      for (const member of open) shares.set(member.key, (left * member.weight) / weights);
      break;
    }
    for (const member of capped) {
      shares.set(member.key, member.cap as number);
      left -= member.cap as number;
    }
    open = open.filter((member) => !capped.includes(member));
  }
  return shares;
}

/** A lease of `count` items for a batch, and the budget as it is afterwards. */
export function leaseFrom(
  state: BudgetState,
  maxRate: number,
  request: LeaseRequest,
): { state: BudgetState; lease: Lease } {
  const { now } = request;
  const members: Record<string, BudgetMember> = {};
  for (const [key, member] of Object.entries(state.members)) {
    // A batch that stopped leasing (ended, suspended) drops out once its reservation has passed.
    if (member.seenAt >= now - ACTIVE_MS || member.nextAt > now) members[key] = member;
  }
  const own = members[request.batchOperationKey];
  members[request.batchOperationKey] = {
    weight: request.priority,
    ...(request.itemsPerSecond ? { cap: request.itemsPerSecond } : {}),
    seenAt: now,
    nextAt: own?.nextAt ?? now,
  };
  const effectiveRate = recovered(state, maxRate, now);
  const shares = sharesOf(
    effectiveRate,
    Object.entries(members).map(([key, member]) => ({ key, weight: member.weight, cap: member.cap })),
  );
  const share = shares.get(request.batchOperationKey) as number;
  const start = Math.max(members[request.batchOperationKey].nextAt, now);
  members[request.batchOperationKey].nextAt = start + (request.count * 1000) / share;
  return {
    state: { effectiveRate, updatedAt: now, members },
    lease: { waitMs: start - now, itemsPerSecond: share },
  };
}

/** The engine pushed back: the effective budget halves for every batch. */
export function backedOff(state: BudgetState, maxRate: number, now: number): BudgetState {
  const effectiveRate = Math.max(maxRate * FLOOR_FRACTION, recovered(state, maxRate, now) / 2);
  return { ...state, effectiveRate, updatedAt: now };
}
