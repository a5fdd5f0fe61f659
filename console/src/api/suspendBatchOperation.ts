import { requestJson } from './http.ts';

/** POST /v2/batch-operations/{batchOperationKey}/suspension (204) */
export const suspendBatchOperation = (batchOperationKey: string) =>
  requestJson<void>('POST', `/v2/batch-operations/${encodeURIComponent(batchOperationKey)}/suspension`);
