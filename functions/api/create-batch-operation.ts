import { batchCreationHandler } from '#commons/batch-creation-api.ts';

/**
 * Every batch creation route (`POST /v2/process-instances/cancellation`, …, and the extensions): the
 * operation is the one whose descriptor (functions/domain/operations/) declares the route's path.
 */
export const handler = batchCreationHandler;
