import { requestJson } from './http.ts';
import type { BatchOperation } from './types.ts';

/** GET /v2/batch-operations/{batchOperationKey} */
export const getBatchOperation = (batchOperationKey: string) =>
  requestJson<BatchOperation>('GET', `/v2/batch-operations/${encodeURIComponent(batchOperationKey)}`);
