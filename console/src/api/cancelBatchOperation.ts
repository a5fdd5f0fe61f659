import { requestJson } from './http.ts';

/** POST /v2/batch-operations/{batchOperationKey}/cancellation (204) */
export const cancelBatchOperation = (batchOperationKey: string) =>
  requestJson<void>('POST', `/v2/batch-operations/${encodeURIComponent(batchOperationKey)}/cancellation`);
