import type { BatchStateChange } from './change-batch-state.ts';

/**
 * Suspend: a CREATED batch is SUSPENDED at once; on an ACTIVE one the request is recorded
 * (`suspendRequestedAt`), no further item starts, and the batch reads SUSPENDED once no chunk is in
 * flight. The execution then waits for resumption without polling, and progress stays visible.
 */
export const suspendBatch: BatchStateChange = {
  verb: 'suspend',
  from: ['CREATED', 'ACTIVE'],
  to: 'SUSPENDED',
};
