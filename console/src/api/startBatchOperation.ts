import { requestJson } from './http.ts';

/** POST /v2/extensions/batch-operations/{batchOperationKey}/start (extension, 204): a scheduled batch starts now. */
export const startBatchOperation = (batchOperationKey: string) =>
  requestJson<void>('POST', `/v2/extensions/batch-operations/${encodeURIComponent(batchOperationKey)}/start`);
