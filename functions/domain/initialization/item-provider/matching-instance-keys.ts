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
 * The keys of one shard's instances that match a filter, page by page: the planner picks the access
 * path, the store reads candidates, and the one evaluator decides; when the access path alone decides
 * the filter (it pins processDefinitionId and nothing else), the index's keys are the items and
 * nothing is read. At most one page is in memory. `stats.queryRetries` counts the store's own
 * retries and this provider's.
 *
 * Candidates are read eventually consistent: the batch is a snapshot, and each of its writes decides
 * again on the instance as it is then. A write operation's conditional write requires the state and
 * the absence of this batch's mark; an engine step reads the instance strongly and commits on it as
 * read; a job operation does the same on the job (jobs are never read here). So a candidate a moment
 * old that no longer matches fails or completes exactly as it would had it changed just after a
 * strong read, and one that matches only since a moment ago is left out as one changed just after.
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
    const request = { cursor, pageSize: deps.queryPageSize };
    if (plan.decidedByAccess) {
      const page = await fetchWithRetry(deps, shard, stats, () =>
        deps.instances.queryShardKeys(plan, shard, request),
      );
      stats.queryRetries += page.retries;
      yield* page.keys;
      cursor = page.cursor;
      continue;
    }
    const page = await fetchWithRetry(deps, shard, stats, () =>
      deps.instances.queryShard(plan, shard, { ...request, consistency: 'eventual' }),
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
