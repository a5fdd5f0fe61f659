import { expect } from 'vitest';
import type { apiClient } from './api-client.ts';

/**
 * Items of the batch recorded COMPLETED so far. An item's record, with its processed date, is written
 * with its chunk, while the batch's counts also hold the items a running chunk has applied: what
 * was done before an interruption is read from the records.
 */
export async function recordedCompleted(
  api: ReturnType<typeof apiClient>,
  batchOperationKey: string,
): Promise<number | undefined> {
  const { body } = await api.post('/v2/batch-operation-items/search', {
    filter: { batchOperationKey, state: 'COMPLETED' },
    page: { limit: 1 },
  });
  return body.page.totalItems > 0 ? body.page.totalItems : undefined;
}

/**
 * After a runtime was stopped or killed mid-batch and started again: every item COMPLETED, each
 * instance once, and the interruption really came mid-batch. Items the first runtime recorded keep
 * their date (at least the count read just before the interruption), and at least one item was
 * processed only by the restarted runtime (the first was gone by then).
 */
export async function expectFinishedAcrossRestart(
  api: ReturnType<typeof apiClient>,
  batchOperationKey: string,
  expected: {
    items: number;
    completedBeforeInterruption: number;
    interruptedAt: number;
    restartedAt: number;
  },
): Promise<void> {
  const { body } = await api.post('/v2/batch-operation-items/search', {
    filter: { batchOperationKey },
    page: { limit: 1000 },
  });
  expect(body.page.totalItems).toBe(expected.items);
  const processed = body.items as { state: string; processInstanceKey: string; processedDate: string }[];
  expect(processed.map((item) => item.state)).toEqual(Array(expected.items).fill('COMPLETED'));
  expect(new Set(processed.map((item) => item.processInstanceKey)).size).toBe(expected.items);
  const processedAt = processed.map((item) => Date.parse(item.processedDate));
  expect(processedAt.filter((at) => at < expected.interruptedAt).length).toBeGreaterThanOrEqual(
    expected.completedBeforeInterruption,
  );
  expect(processedAt.filter((at) => at > expected.restartedAt).length).toBeGreaterThan(0);
}
