import { requestJson } from './http.ts';

/** The controls a running batch takes live. */
export interface LiveControls {
  itemsPerSecond?: number;
  priority?: number;
}

/** PATCH /v2/extensions/batch-operations/{batchOperationKey} (extension): rate, priority, failure threshold. */
export const updateBatchOperation = (batchOperationKey: string, changes: LiveControls) =>
  requestJson<LiveControls>(
    'PATCH',
    `/v2/extensions/batch-operations/${encodeURIComponent(batchOperationKey)}`,
    changes,
  );
