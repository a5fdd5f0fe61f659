import { batchStateChangeApi } from '#commons/batch-state-change-api.ts';
import { suspendBatch } from '#domain/controls/suspend-batch.ts';

/** POST /v2/batch-operations/{batchOperationKey}/suspension */
export const handler = batchStateChangeApi(suspendBatch);
