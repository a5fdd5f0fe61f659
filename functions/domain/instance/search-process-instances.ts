import { z } from 'zod';
import type { ProcessInstanceStore } from '#ports/instance-store.ts';
import { toProcessInstanceResult } from '#wire/process-instance-result.ts';
import { InvalidArgumentError } from '../errors.ts';
import { matchesFilter } from '../filter/evaluate-filter.ts';
import { FILTER_FIELDS, SORT_FIELDS } from '../filter/fields.ts';
import { parseProcessInstanceFilter } from '../filter/parse-filter.ts';
import { planQuery } from '../filter/plan-query.ts';
import { shardIds } from '../keys.ts';
import { DEFAULT_PAGE_LIMIT, pageResult, searchPageSchema } from '../search-page.ts';
import { isDescending, sortSchema } from '../search-support.ts';
import type { ProcessInstance } from './process-instance.ts';

const PAGE_SIZE = 1000;

export const processInstanceSearchSchema = z
  .object({
    filter: z.unknown().optional(),
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.extend({ before: z.string().optional() }).strict().optional(),
  })
  .strict();

export type ProcessInstanceSearch = z.infer<typeof processInstanceSearchSchema>;
type SortValue = string | number | boolean | null;

/**
 * Camunda's process-instance search: every shard is read page by page, the one filter evaluator
 * decides, and only the best `from + limit` instances in sort order are kept (never the whole result
 * set). Cursors carry the sort values of an item, so `after`/`before` page stably.
 */
export async function searchProcessInstances(
  store: ProcessInstanceStore,
  shardCount: number,
  request: ProcessInstanceSearch,
) {
  const filter = parseProcessInstanceFilter(request.filter ?? {});
  const plan = planQuery(filter);
  const sort = [...(request.sort ?? []).map((s) => ({ field: s.field, descending: isDescending(s.order) }))];
  const sortKey = (instance: ProcessInstance): SortValue[] => [
    ...sort.map(({ field }) => (instance[FILTER_FIELDS[field].attribute] ?? null) as SortValue),
    instance.processInstanceKey,
  ];
  const directions = [...sort.map((s) => s.descending), false];
  const compare = (a: SortValue[], b: SortValue[]) => compareSortKeys(a, b, directions);

  const limit = request.page?.limit ?? DEFAULT_PAGE_LIMIT;
  const from = request.page?.from ?? 0;
  const after = request.page?.after ? decodeCursor(request.page.after) : undefined;
  const before = request.page?.before ? decodeCursor(request.page.before) : undefined;
  // `before` pages backwards: keep the `limit` closest below the cursor, i.e. the best in reversed order.
  const keep = before ? limit : from + limit;
  const order = before ? (a: SortValue[], b: SortValue[]) => compare(b, a) : compare;
  const best: { key: SortValue[]; instance: ProcessInstance }[] = [];
  let matched = 0;

  await Promise.all(
    shardIds(shardCount).map(async (shard) => {
      let cursor: string | undefined;
      do {
        const page = await store.queryShard(plan, shard, { cursor, pageSize: PAGE_SIZE });
        for (const instance of page.instances) {
          if (!matchesFilter(filter, instance)) continue;
          matched++;
          const key = sortKey(instance);
          if (after && compare(key, after) <= 0) continue;
          if (before && compare(key, before) >= 0) continue;
          insertBounded(best, { key, instance }, keep, (a, b) => order(a.key, b.key));
        }
        cursor = page.cursor;
      } while (cursor);
    }),
  );

  const selected = before ? best.reverse() : best.slice(from);
  return {
    items: selected.map(({ instance }) => toProcessInstanceResult(instance)),
    page: pageResult(
      matched,
      selected.length > 0
        ? { start: encodeCursor(selected[0].key), end: encodeCursor(selected[selected.length - 1].key) }
        : undefined,
    ),
  };
}

/** Inserts into a sorted array holding at most `size` entries (the best ones). */
function insertBounded<T>(sorted: T[], entry: T, size: number, compare: (a: T, b: T) => number): void {
  if (sorted.length === size && compare(entry, sorted[size - 1]) >= 0) return;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compare(sorted[middle], entry) <= 0) low = middle + 1;
    else high = middle;
  }
  sorted.splice(low, 0, entry);
  if (sorted.length > size) sorted.pop();
}

/** Missing values sort last in ascending order, as in Camunda's secondary storage. */
function compareSortKeys(a: SortValue[], b: SortValue[], descending: boolean[]): number {
  for (let index = 0; index < a.length; index++) {
    const [x, y] = [a[index], b[index]];
    if (x === y) continue;
    const result = x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
    return descending[index] ? -result : result;
  }
  return 0;
}

function encodeCursor(key: SortValue[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): SortValue[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key)) return key as SortValue[];
  } catch {
    // fall through to the error below
  }
  throw new InvalidArgumentError(`page cursor is not one returned by this search: ${cursor}`);
}
