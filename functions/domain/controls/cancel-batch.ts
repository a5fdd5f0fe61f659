import type { BatchStateChange } from './change-batch-state.ts';

/**
 * Cancel: the batch ends CANCELED at once, with its end date. No further item is processed: each
 * pending chunk is accounted for when it reaches a worker, its unprocessed items becoming CANCELED
 * while items already processed keep their outcome.
 */
export const cancelBatch: BatchStateChange = {
  verb: 'cancel',
  from: ['CREATED', 'ACTIVE', 'SUSPENDED'],
  to: 'CANCELED',
  ends: true,
};
