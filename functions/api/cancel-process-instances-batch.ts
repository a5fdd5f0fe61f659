import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/process-instances/cancellation: cancel every instance matching the filter, and (extension)
 * every instance listed in processInstanceKeys, as a batch; optionally (extension) with a reason and
 * skipCustomListeners, recorded on the batch and on every instance it cancels.
 */
export const handler = batchCreationHandler('cancellation');
