import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * POST /v2/extensions/process-instances/job-retries (extension, from Camunda 7): set the retries of the open jobs of every named instance, as a
 * SET_JOB_RETRIES batch.
 */
export const handler = batchCreationHandler('job-retries');
