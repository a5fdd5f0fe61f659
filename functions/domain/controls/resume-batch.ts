import type { BatchStateChange } from './change-batch-state.ts';

/**
 * Resume: the execution sends the chunks still pending again; chunks already done are not repeated.
 * A suspension requested but not yet in effect is withdrawn.
 */
export const resumeBatch: BatchStateChange = {
  verb: 'resume',
  from: ['SUSPENDED'],
  to: 'ACTIVE',
};
