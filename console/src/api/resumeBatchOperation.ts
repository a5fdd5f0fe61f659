import { requestJson } from './http.ts';

/** POST /v2/batch-operations/{batchOperationKey}/resumption (204) */
export const resumeBatchOperation = (batchOperationKey: string) =>
  requestJson<void>('POST', `/v2/batch-operations/${encodeURIComponent(batchOperationKey)}/resumption`);
