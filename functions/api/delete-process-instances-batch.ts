import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/process-instances/deletion: delete every finished instance matching the filter (and,
 * extension, every instance in processInstanceKeys), as a batch.
 */
export const handler = batchCreationHandler('deletion');
