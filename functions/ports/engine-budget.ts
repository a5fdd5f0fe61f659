import type { Lease, LeaseRequest } from '#domain/execution/engine-budget.ts';

/**
 * The engine's capacity budget, shared by every worker of every batch (one per deployment, as the
 * engine is): leases of items in groups, and the engine's backpressure lowering it for everyone.
 */
export interface EngineBudget {
  /** Leases `count` items for a batch: they may start `waitMs` from now. */
  lease(request: LeaseRequest): Promise<Lease>;
  /** The engine answered "too busy" (429, RESOURCE_EXHAUSTED): the budget shrinks for every batch. */
  reportBackpressure(now: number): Promise<void>;
}
