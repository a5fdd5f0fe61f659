import { requestJson } from './http.ts';
import type { DryRunResult } from './types.ts';

/** POST /v2/extensions/process-instances/{operation}/dry-run: what the creation request would act on. */
export const dryRunBatch = (operation: string, body: unknown) =>
  requestJson<DryRunResult>(
    'POST',
    `/v2/extensions/process-instances/${encodeURIComponent(operation)}/dry-run`,
    body,
  );
