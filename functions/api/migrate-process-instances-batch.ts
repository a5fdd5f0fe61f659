import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/process-instances/migration: migrate every instance matching the filter (and, extension,
 * every instance in processInstanceKeys) to the plan's target definition, as a batch. The plan is
 * validated now (400), each instance's mapping per item.
 */
export const handler = batchCreationHandler('migration');
