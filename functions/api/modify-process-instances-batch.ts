import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/process-instances/modification: move the tokens of every instance matching the filter
 * (and, extension, every instance in processInstanceKeys) per moveInstructions, as a batch. Targets
 * are checked against the definitions the filter pins.
 */
export const handler = batchCreationHandler('modification');
