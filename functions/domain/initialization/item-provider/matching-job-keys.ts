import { type JobFilter, matchesJobFilter } from '#domain/filter/job-filter.ts';
import { toJobResult } from '#domain/job/job-result.ts';
import type { BatchItemRef } from './item-source.ts';
import { fetchWithRetry, type ItemProviderDeps } from './matching-instance-keys.ts';

/**
 * The jobs of one shard that match a job filter, page by page: a shard reads its own segment of the
 * jobs (one of `shardCount` disjoint parts of all jobs), so every job is an item of exactly one shard.
 * The item key is the job key; the item names the job's instance. At most one page is in memory.
 */
export async function* matchingJobKeys(
  deps: ItemProviderDeps,
  filter: JobFilter,
  shard: { shard: number; shardCount: number },
  stats: { queryRetries: number },
): AsyncGenerator<BatchItemRef> {
  let cursor: string | undefined;
  do {
    const page = await fetchWithRetry(deps, shard.shard, stats, () =>
      deps.jobs.scanJobs(
        { segment: shard.shard, segments: shard.shardCount },
        { cursor, limit: deps.queryPageSize },
      ),
    );
    for (const job of page.jobs) {
      if (matchesJobFilter(filter, toJobResult(job))) {
        yield { itemKey: job.jobKey, processInstanceKey: job.processInstanceKey };
      }
    }
    cursor = page.cursor;
  } while (cursor);
}
