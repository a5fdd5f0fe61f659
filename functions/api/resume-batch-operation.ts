import { batchStateChangeApi } from '#commons/batch-state-change-api.ts';
import { resumeBatch } from '#domain/controls/resume-batch.ts';

/** POST /v2/batch-operations/{batchOperationKey}/resumption */
export const handler = batchStateChangeApi(resumeBatch);
