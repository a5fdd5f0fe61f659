import { batchStateChangeApi } from '#commons/batch-state-change-api.ts';
import { cancelBatch } from '#domain/controls/cancel-batch.ts';

/** POST /v2/batch-operations/{batchOperationKey}/cancellation */
export const handler = batchStateChangeApi(cancelBatch);
