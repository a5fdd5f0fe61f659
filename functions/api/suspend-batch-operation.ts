import { batchStateChangeApi } from '../commons/batch-state-change-api.ts';
import { suspendBatch } from '../domain/batch/lifecycle/suspend-batch.ts';

/** POST /v2/batch-operations/{batchOperationKey}/suspension */
export const handler = batchStateChangeApi(suspendBatch);
