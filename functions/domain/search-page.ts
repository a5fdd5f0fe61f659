import { z } from 'zod';

/** Camunda's default page size. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Camunda's largest page; also the bound on results a search holds in memory. */
export const MAX_PAGE_LIMIT = 10_000;
/** Like Camunda, totals are exact up to this many; beyond it `hasMoreTotalItems` is true. */
export const TOTAL_COUNT_CAP = 10_000;

/** Camunda's search `page`: offset (`from`) or cursor (`after`) paging, `limit` items. */
export const searchPageSchema = z
  .object({
    from: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
    after: z.string().optional(),
  })
  .strict();

/** The `page` part of a search response, from the number of matches and the page's cursors. */
export function pageResult(matched: number, cursors?: { start: string; end: string }) {
  return {
    totalItems: Math.min(matched, TOTAL_COUNT_CAP),
    hasMoreTotalItems: matched > TOTAL_COUNT_CAP,
    ...(cursors ? { startCursor: cursors.start, endCursor: cursors.end } : {}),
  };
}
