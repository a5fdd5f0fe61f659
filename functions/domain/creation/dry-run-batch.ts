import type { BatchOperationType } from '../batch/batch-operation.ts';
import { batchItemKeys, type InstanceSelection } from '../initialization/item-provider/batch-item-keys.ts';
import type { ItemProviderDeps } from '../initialization/item-provider/matching-instance-keys.ts';
import { shardIds } from '../keys.ts';
import { validateSelection } from './validate-selection.ts';

/** Keys shown as a sample: enough to recognize what the filter hits, small enough for any response. */
export const DRY_RUN_SAMPLE_SIZE = 10;

export interface DryRunDeps extends ItemProviderDeps {
  shardCount: number;
}

/**
 * What a batch created from this request would hold, without creating it: the filter and the listed
 * keys are checked by Creation's rule, and every shard (in parallel) pages through its instances with Initialization's
 * own query, so the counts are the totals the batch's shards would fix. Nothing is written: no
 * batch, no key, no execution. Each shard keeps only a count and its first sample keys.
 */
export async function dryRunBatch(
  deps: DryRunDeps,
  request: { batchOperationType: BatchOperationType } & InstanceSelection,
) {
  const selection = validateSelection(request);
  const shards = await Promise.all(
    shardIds(deps.shardCount).map(async (shard) => {
      let count = 0;
      const sample: string[] = [];
      const items = batchItemKeys(
        deps,
        selection,
        { shard, shardCount: deps.shardCount },
        { queryRetries: 0 },
      );
      for await (const key of items) {
        count++;
        if (sample.length < DRY_RUN_SAMPLE_SIZE) sample.push(key);
      }
      return { shard, count, sample };
    }),
  );
  return {
    batchOperationType: request.batchOperationType,
    total: shards.reduce((total, { count }) => total + count, 0),
    shards: shards.map(({ shard, count }) => ({ shard, count })),
    // Each shard yields keys in key order, so the overall first keys are among the shards' first.
    sampleProcessInstanceKeys: shards
      .flatMap(({ sample }) => sample)
      .sort()
      .slice(0, DRY_RUN_SAMPLE_SIZE),
  };
}
