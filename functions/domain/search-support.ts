import { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { InvalidArgumentError } from './errors.ts';
import { likeMatches, parseLike } from './filter/like-pattern.ts';
import { MAX_LIKE_LENGTH } from './limits.ts';
import { DEFAULT_PAGE_LIMIT, pageResult, type SearchPage } from './search-page.ts';

/**
 * Pieces the searches of the engine's records share (incidents, process definitions): Camunda's
 * string filter, sort keys, bounded best-of selection and opaque cursors.
 */
export const stringFilterSchema = z.union([
  z.string(),
  z
    .object({
      $eq: z.string().optional(),
      $neq: z.string().optional(),
      $exists: z.boolean().optional(),
      $in: z.array(z.string()).optional(),
      $notIn: z.array(z.string()).optional(),
      $like: z.string().max(MAX_LIKE_LENGTH).optional(),
    })
    .strict(),
]);
export type StringFilter = z.infer<typeof stringFilterSchema>;

/** The one value a filter pins the field to, if it does. */
export function equalityOf(filter: StringFilter | undefined): string | undefined {
  return typeof filter === 'string' ? filter : filter?.$eq;
}

export function matchesString(filter: StringFilter | undefined, value: string | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return value === filter;
  if (filter.$exists !== undefined && (value !== undefined) !== filter.$exists) return false;
  if (filter.$eq !== undefined && value !== filter.$eq) return false;
  if (filter.$neq !== undefined && value === filter.$neq) return false;
  if (filter.$in && (value === undefined || !filter.$in.includes(value))) return false;
  if (filter.$notIn && value !== undefined && filter.$notIn.includes(value)) return false;
  if (filter.$like !== undefined && (value === undefined || !likeMatches(parseLike(filter.$like), value)))
    return false;
  return true;
}

export type SortValue = string | number | boolean | null;

/**
 * Camunda's sort order. Its OpenAPI document spells it `ASC`/`DESC`, its published zod schemas
 * `asc`/`desc`; both are taken.
 */
export const sortOrderSchema = z.enum(['ASC', 'DESC', 'asc', 'desc']);
export const isDescending = (order: string | undefined) => order?.toUpperCase() === 'DESC';

/** Camunda's `sort` of a search request: fields of this search, each ascending or descending. */
export function sortSchema<const Fields extends readonly [string, ...string[]]>(fields: Fields) {
  return z.array(z.object({ field: z.enum(fields), order: sortOrderSchema.optional() }).strict()).optional();
}

/** Compares sort keys field by field; missing values sort last in ascending order, as in Camunda. */
export function compareSortKeys(a: SortValue[], b: SortValue[], descending: readonly boolean[]): number {
  for (let index = 0; index < a.length; index++) {
    const [x, y] = [a[index], b[index]];
    if (x === y) continue;
    const result = x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
    return descending[index] ? -result : result;
  }
  return 0;
}

/** Inserts into a sorted array holding at most `size` entries (the best ones). */
export function insertBounded<T>(sorted: T[], entry: T, size: number, compare: (a: T, b: T) => number): void {
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

/** The sort key a search's page cursor carries; 400 when the cursor is not one this search returned. */
export function decodeSortKey(cursor: string): SortValue[] {
  const key = decodeCursor(cursor);
  if (Array.isArray(key)) return key as SortValue[];
  throw new InvalidArgumentError(`page cursor is not one returned by this search: ${cursor}`);
}

/**
 * The page a search asks for, kept while candidates stream by in any order: offset paging keeps the
 * best `from + limit`; `after` keeps the best beyond the cursor; `before` keeps the `limit` closest
 * below it (the best in reversed order). Never more than one page and its offset in memory.
 */
export class PageSelection<T> {
  private readonly kept: { key: SortValue[]; value: T }[] = [];
  private readonly after?: SortValue[];
  private readonly before?: SortValue[];
  private readonly from: number;
  private readonly size: number;
  private matched = 0;
  private passedBefore = false;

  constructor(
    page: SearchPage | undefined,
    private readonly descending: readonly boolean[],
  ) {
    this.after = page?.after ? decodeSortKey(page.after) : undefined;
    this.before = page?.before ? decodeSortKey(page.before) : undefined;
    this.from = page?.from ?? 0;
    this.size = this.from + (page?.limit ?? DEFAULT_PAGE_LIMIT);
  }

  /** A candidate that matched the filter: counted in the total, kept if it belongs on the page. */
  offer(key: SortValue[], value: T): void {
    this.matched++;
    const compare = (a: SortValue[], b: SortValue[]) => compareSortKeys(a, b, this.descending);
    if (this.after && compare(key, this.after) <= 0) return;
    if (this.before && compare(key, this.before) >= 0) {
      this.passedBefore = true;
      return;
    }
    const order = this.before ? (a: SortValue[], b: SortValue[]) => compare(b, a) : compare;
    insertBounded(this.kept, { key, value }, this.size, (a, b) => order(a.key, b.key));
  }

  /**
   * Whether no later candidate can change the page, provided candidates arrive in sort order: the
   * page is full, or (paging backwards) the cursor has been passed.
   */
  isSettled(): boolean {
    return this.before ? this.passedBefore : this.kept.length === this.size;
  }

  /** How many candidates matched so far. */
  get matchedCount(): number {
    return this.matched;
  }

  /** The page's values in sort order and Camunda's `page` answer (totals and cursors). */
  result(): { values: T[]; page: ReturnType<typeof pageResult> } {
    const selected = this.before ? this.kept.slice(this.from).reverse() : this.kept.slice(this.from);
    return {
      values: selected.map((entry) => entry.value),
      page: pageResult(
        this.matched,
        selected.length > 0
          ? { start: encodeCursor(selected[0].key), end: encodeCursor(selected[selected.length - 1].key) }
          : undefined,
      ),
    };
  }
}
