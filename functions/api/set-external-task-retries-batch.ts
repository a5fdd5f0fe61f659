import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/extensions/process-instances/external-task-retries (extension, from Camunda 7): set the retries of the external tasks (service-task jobs, optionally of one topic) of every named instance, as a
 * SET_EXTERNAL_TASK_RETRIES batch.
 */
export const handler = batchCreationHandler('external-task-retries');
