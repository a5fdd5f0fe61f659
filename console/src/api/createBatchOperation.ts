import { requestJson } from './http.ts';
import type { CreatedBatch } from './types.ts';

/**
 * POST to a batch creation endpoint (`/v2/process-instances/cancellation`, `…/migration`,
 * `/v2/extensions/process-instances/job-retries`, …): the operation table names the path, the body
 * is the one the confirmation step showed.
 */
export const createBatchOperation = (path: string, body: unknown) =>
  requestJson<CreatedBatch>('POST', path, body);
