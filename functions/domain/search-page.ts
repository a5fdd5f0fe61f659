import { z } from 'zod';
import { MAX_PAGE_LIMIT } from './limits.ts';

/** Camunda's default page size. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Like Camunda, totals are exact up to this many; beyond it `hasMoreTotalItems` is true. */
export const TOTAL_COUNT_CAP = 10_000;

/**
 * Camunda's search `page`: offset (`from`) or cursor paging (`after` the end cursor of a page for the
 * next one, `before` its start cursor for the previous one), `limit` items.
 */
export const searchPageSchema = z
  .object({
    from: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
    after: z.string().optional(),
    before: z.string().optional(),
  })
  .strict();
export type SearchPage = z.infer<typeof searchPageSchema>;

/** A search that found nothing the caller may read. */
export function emptySearchResult() {
  return { items: [], page: pageResult(0) };
}

/**
 * The `page` part of a search response, from the number of matches and the page's cursors. As in
 * Camunda 8.9+, the cursors are always present: null when the page is empty.
 */
export function pageResult(matched: number, cursors?: { start: string; end: string }) {
  return {
    totalItems: Math.min(matched, TOTAL_COUNT_CAP),
    hasMoreTotalItems: matched > TOTAL_COUNT_CAP,
    startCursor: cursors?.start ?? null,
    endCursor: cursors?.end ?? null,
  };
}
