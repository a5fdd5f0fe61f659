import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/process-instances/incident-resolution: resolve every open incident of every instance
 * matching the filter (and, extension, every instance in processInstanceKeys), as a batch.
 */
export const handler = batchCreationHandler('incident-resolution');
