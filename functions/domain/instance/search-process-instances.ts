import { z } from 'zod';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { toProcessInstanceResult } from '#wire/process-instance-result.ts';
import { matchesFilter } from '../filter/evaluate-filter.ts';
import { FILTER_FIELDS, SORT_FIELDS } from '../filter/fields.ts';
import { parseProcessInstanceFilter } from '../filter/parse-filter.ts';
import { planQuery } from '../filter/plan-query.ts';
import { shardIds } from '../keys.ts';
import { searchPageSchema } from '../search-page.ts';
import { isDescending, PageSelection, type SortValue, sortSchema } from '../search-support.ts';
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

/**
 * Visits every instance that matches a process-instance filter (Camunda's filter language) and that
 * `visible` lets through: every shard is read page by page and the one filter evaluator decides, so
 * memory stays flat whatever the number of instances.
 */
export async function forEachMatchingInstance(
  store: ProcessInstanceStore,
  shardCount: number,
  rawFilter: unknown,
  visible: (instance: ProcessInstance) => boolean,
  visit: (instance: ProcessInstance) => void,
): Promise<void> {
  const filter = parseProcessInstanceFilter(rawFilter ?? {});
  const plan = planQuery(filter);
  await Promise.all(
    shardIds(shardCount).map(async (shard) => {
      let cursor: string | undefined;
      do {
        const page = await store.queryShard(plan, shard, { cursor, pageSize: PAGE_SIZE });
        for (const instance of page.instances) {
          if (matchesFilter(filter, instance) && visible(instance)) visit(instance);
        }
        cursor = page.cursor;
      } while (cursor);
    }),
  );
}

/**
 * Camunda's process-instance search: only the best `from + limit` matching instances in sort order
 * are kept (never the whole result set). Cursors carry the sort values of an item, so `after`/`before`
 * page stably.
 */
export async function searchProcessInstances(
  store: ProcessInstanceStore,
  shardCount: number,
  request: ProcessInstanceSearch,
  /** Only what the caller may read counts, in the page and in the total. */
  visible: (instance: ProcessInstance) => boolean = () => true,
) {
  const sort = [...(request.sort ?? []).map((s) => ({ field: s.field, descending: isDescending(s.order) }))];
  const sortKey = (instance: ProcessInstance): SortValue[] => [
    ...sort.map(({ field }) => (instance[FILTER_FIELDS[field].attribute] ?? null) as SortValue),
    instance.processInstanceKey,
  ];
  const selection = new PageSelection<ProcessInstance>(request.page, [
    ...sort.map((s) => s.descending),
    false,
  ]);
  await forEachMatchingInstance(store, shardCount, request.filter, visible, (instance) =>
    selection.offer(sortKey(instance), instance),
  );
  const { values, page } = selection.result();
  return { items: values.map(toProcessInstanceResult), page };
}
