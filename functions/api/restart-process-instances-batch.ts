import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/extensions/process-instances/restart (extension, from Camunda 7): start a new instance of every named finished instance at the given elements, as a
 * RESTART_PROCESS_INSTANCE batch.
 */
export const handler = batchCreationHandler('restart');
