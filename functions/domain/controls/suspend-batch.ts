import type { BatchStateChange } from './change-batch-state.ts';

/**
 * Suspend: no further chunk is executed (chunks already running finish); the execution waits for
 * resumption without polling, and progress stays visible.
 */
export const suspendBatch: BatchStateChange = {
  verb: 'suspend',
  from: ['CREATED', 'ACTIVE'],
  to: 'SUSPENDED',
  ends: false,
};
