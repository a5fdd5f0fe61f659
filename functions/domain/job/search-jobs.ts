import { z } from 'zod';
import type { EngineStore } from '#ports/engine-store.ts';
import type { JobStore } from '#ports/job-store.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { matchesJobFilter, parseJobFilter, pinnedProcessInstanceKey } from '../filter/job-filter.ts';
import { searchPageSchema } from '../search-page.ts';
import { isDescending, PageSelection, type SortValue, sortSchema } from '../search-support.ts';
import type { Job } from './job.ts';
import { type JobResult, toJobResult } from './job-result.ts';

/** Jobs read per store page. */
const PAGE_SIZE = 500;
/** Instances read at once for the tags of a page's jobs. */
const INSTANCE_READS_IN_FLIGHT = 16;

/** The fields Camunda's job search sorts by (8.9's and 8.10's). */
const SORT_FIELDS = [
  'jobKey',
  'type',
  'worker',
  'state',
  'kind',
  'listenerEventType',
  'retries',
  'priority',
  'isDenied',
  'deniedReason',
  'hasFailedWithRetriesLeft',
  'errorCode',
  'errorMessage',
  'customHeaders',
  'deadline',
  'endTime',
  'creationTime',
  'processDefinitionId',
  'processDefinitionKey',
  'processInstanceKey',
  'elementId',
  'elementInstanceKey',
  'tenantId',
] as const satisfies readonly (keyof JobResult)[];

/** Camunda's JobSearchQuery: a JobFilter (checked field by field by parseJobFilter), sort, page. */
export const jobSearchSchema = z
  .object({
    filter: z.record(z.string(), z.unknown()).optional(),
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();
export type JobSearch = z.infer<typeof jobSearchSchema>;

export interface SearchJobsDeps {
  jobs: JobStore;
  engine: EngineStore;
  instances: ProcessInstanceStore;
}

/**
 * Camunda's job search (`POST /v2/jobs/search`), with the same JobFilter a job batch takes, so a user
 * sees what an UPDATE_JOB batch will touch. Candidates are one instance's jobs when the filter pins
 * `processInstanceKey`, else every job (a scan); only the best `from + limit` in sort order are kept
 * (then by job key). The page's jobs carry their instance's tags.
 */
export async function searchJobs(
  deps: SearchJobsDeps,
  request: JobSearch,
  /** Only what the caller may read counts, in the page and in the total. */
  visible: (job: JobResult) => boolean = () => true,
) {
  const filter = parseJobFilter(request.filter ?? {});
  const sort = [...(request.sort ?? []), { field: 'jobKey' as const, order: 'ASC' as const }];
  const selection = new PageSelection<JobResult>(
    request.page,
    sort.map((entry) => isDescending(entry.order)),
  );
  const offer = (jobs: readonly Job[]) => {
    for (const job of jobs) {
      const result = toJobResult(job);
      if (!visible(result) || !matchesJobFilter(filter, result)) continue;
      selection.offer(
        sort.map(({ field }): SortValue => {
          const value: unknown = result[field];
          return typeof value === 'object' ? null : (value as SortValue);
        }),
        result,
      );
    }
  };
  const processInstanceKey = pinnedProcessInstanceKey(filter);
  if (processInstanceKey !== undefined) offer(await deps.engine.jobsOf(processInstanceKey));
  else {
    let cursor: string | undefined;
    do {
      const page = await deps.jobs.scanJobs({ segment: 0, segments: 1 }, { cursor, limit: PAGE_SIZE });
      offer(page.jobs);
      cursor = page.cursor;
    } while (cursor);
  }
  const { values, page } = selection.result();
  const instanceKeys = [...new Set(values.map((job) => job.processInstanceKey))];
  const instances = await mapWithConcurrency(instanceKeys, INSTANCE_READS_IN_FLIGHT, (key) =>
    deps.instances.getInstance(key),
  );
  const tags = new Map(instanceKeys.map((key, index) => [key, instances[index]?.tags ?? []]));
  return {
    items: values.map((job) => ({ ...job, tags: [...(tags.get(job.processInstanceKey) ?? [])] })),
    page,
  };
}
