import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import { csvRecord } from '../csv.ts';
import { NotFoundError } from '../errors.ts';
import type { Chunk } from './chunk.ts';

export const REPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report's columns (CSV) or fields (JSON Lines), in this order. */
export const REPORT_FIELDS = [
  'batchOperationKey',
  'itemKey',
  'processInstanceKey',
  'state',
  'processedDate',
  'errorMessage',
] as const;

/**
 * A batch's completion report: every item with its state, processed date and error message. The
 * batch is looked up first, so an unknown key is a 404 before the first line; the lines then follow
 * the chunk records page by page.
 */
export async function batchReport(
  { batches, chunks }: { batches: BatchStore; chunks: ChunkStore },
  batchOperationKey: string,
  format: ReportFormat,
): Promise<AsyncGenerator<string>> {
  if (!(await batches.getBatch(batchOperationKey))) {
    throw new NotFoundError(`Batch operation with key '${batchOperationKey}' not found`);
  }
  return reportLines(chunks.read({ batchOperationKey }), format);
}

/**
 * The report's lines, one item at a time, holding no more than the chunk being read: CSV with a
 * header record, or one JSON object per line with every field present (null when absent).
 */
export async function* reportLines(
  chunks: AsyncIterable<Chunk>,
  format: ReportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRecord(REPORT_FIELDS);
  for await (const chunk of chunks) {
    for (const item of chunk.items) {
      const values = [
        chunk.batchOperationKey,
        item.itemKey,
        item.processInstanceKey,
        item.state,
        item.processedDate,
        item.errorMessage,
      ];
      yield format === 'csv'
        ? csvRecord(values)
        : `${JSON.stringify(Object.fromEntries(REPORT_FIELDS.map((field, index) => [field, values[index] ?? null])))}\n`;
    }
  }
}
