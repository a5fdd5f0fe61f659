import { send } from './http.ts';

export type ReportFormat = 'csv' | 'jsonl';

/** GET /v2/extensions/batch-operations/{batchOperationKey}/report?format=csv|jsonl: every item, streamed. */
export async function getBatchOperationReport(
  batchOperationKey: string,
  format: ReportFormat,
): Promise<Blob> {
  const response = await send(
    'GET',
    `/v2/extensions/batch-operations/${encodeURIComponent(batchOperationKey)}/report?format=${format}`,
  );
  return response.blob();
}
