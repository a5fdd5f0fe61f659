import type { BatchStateChange } from './change-batch-state.ts';

/**
 * Cancel: the request is recorded at once (`cancelRequestedAt`) and no further item starts; items in
 * flight finish. Once every chunk is accounted for (unprocessed items become CANCELED, processed ones
 * keep their outcome) the execution ends the batch CANCELED with its end date and final counts, after
 * which nothing about the batch or its instances changes.
 */
export const cancelBatch: BatchStateChange = {
  verb: 'cancel',
  from: ['CREATED', 'ACTIVE', 'SUSPENDED'],
  to: 'CANCELED',
};
