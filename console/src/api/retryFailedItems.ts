import { requestJson } from './http.ts';
import type { CreatedBatch } from './types.ts';

/** POST /v2/extensions/batch-operations/{batchOperationKey}/failed-items-retry: a new batch over the FAILED items. */
export const retryFailedItems = (batchOperationKey: string) =>
  requestJson<CreatedBatch>(
    'POST',
    `/v2/extensions/batch-operations/${encodeURIComponent(batchOperationKey)}/failed-items-retry`,
    {},
  );
