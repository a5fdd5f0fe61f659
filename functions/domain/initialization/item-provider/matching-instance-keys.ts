import { TransientStoreError } from '#domain/errors.ts';
import { matchesFilter } from '#domain/filter/evaluate-filter.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { planQuery } from '#domain/filter/plan-query.ts';
import type { JobStore } from '#ports/job-store.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { decideQueryRetry, type QueryRetrySettings } from './query-retry-policy.ts';

/** The instance query failed for good: the shard fails with QUERY_FAILED instead of the batch. */
export class QueryFailedError extends Error {}

export interface ItemProviderDeps {
  instances: ProcessInstanceStore;
  /** A job batch's items (UPDATE_JOB). */
  jobs: JobStore;
  queryPageSize: number;
  queryRetry: QueryRetrySettings;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The keys of one shard's instances that match a filter, in key order, page by page: the planner
 * picks the access path, the store reads candidates, and the one evaluator decides. At most one page
 * is in memory. `stats.queryRetries` counts the store's own retries and this provider's.
 */
export async function* matchingInstanceKeys(
  deps: ItemProviderDeps,
  filterJson: unknown,
  shard: number,
  stats: { queryRetries: number },
): AsyncGenerator<string> {
  const filter = parseProcessInstanceFilter(filterJson);
  const plan = planQuery(filter);
  let cursor: string | undefined;
  do {
    const page = await fetchWithRetry(deps, shard, stats, () =>
      deps.instances.queryShard(plan, shard, { cursor, pageSize: deps.queryPageSize }),
    );
    stats.queryRetries += page.retries;
    for (const instance of page.instances) {
      if (matchesFilter(filter, instance)) yield instance.processInstanceKey;
    }
    cursor = page.cursor;
  } while (cursor);
}

/** A page read with the query retry policy: retryable errors back off, the rest fail the shard (QueryFailedError). */
export async function fetchWithRetry<T>(
  deps: ItemProviderDeps,
  shard: number,
  stats: { queryRetries: number },
  fetch: () => Promise<T>,
): Promise<T> {
  for (let retriesSoFar = 0; ; retriesSoFar++) {
    try {
      return await fetch();
    } catch (error) {
      const decision = decideQueryRetry(deps.queryRetry, {
        retryable: error instanceof TransientStoreError,
        retriesSoFar,
      });
      if (!decision.retry) {
        const message = error instanceof Error ? error.message : String(error);
        throw new QueryFailedError(
          `Querying the items of shard ${shard} failed and ${decision.reason}: ${message}`,
        );
      }
      stats.queryRetries++;
      await deps.sleep(decision.delayMs);
    }
  }
}
