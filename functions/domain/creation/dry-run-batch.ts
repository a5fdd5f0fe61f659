import type { Engine, EngineItem } from '#ports/engine.ts';
import { type InstanceScope, isInScope, isUnrestricted } from '../authorization/permissions.ts';
import type { BatchOperationType } from '../batch/batch-operation.ts';
import type { InstanceSelection } from '../initialization/item-provider/batch-item-keys.ts';
import { itemSourceOf, validateSelectionOn } from '../initialization/item-provider/item-source.ts';
import { shardCountOn, shardItems } from '../initialization/item-provider/shard-items.ts';
import { shardIds } from '../keys.ts';
import { operationHandlerFor } from '../operations/registry.ts';

/** Keys shown as a sample: enough to recognize what the filter hits, small enough for any response. */
export const DRY_RUN_SAMPLE_SIZE = 10;

/** Items whose instances are described at once to check what the caller may see (one BatchGetItem's worth). */
const VISIBILITY_GROUP = 100;

export interface DryRunDeps {
  engine: Pick<
    Engine,
    'selectionSplit' | 'selectItems' | 'describeInstances' | 'validateSelection' | 'countItems'
  >;
  /** The configured shard count (an engine read whole has one shard). */
  shardCount: number;
}

/**
 * What a batch created from this request would hold, without creating it: the selection is checked by
 * Creation's rule, and every shard (in parallel) reads its items with Initialization's own query, so
 * the counts are the totals the batch's shards would fix. Nothing is written: no batch, no key, no
 * execution. Each shard keeps only a count and its first sample keys. The sample is of item keys:
 * `sampleProcessInstanceKeys`, or `sampleJobKeys` for a job operation.
 *
 * It counts and shows only the items the caller may read (`readScope`: an instance, or a job's
 * instance, of a definition and tenant in it), so that neither the count nor the keys tell a caller
 * about data it could not search for: the filter would otherwise be a yes/no oracle on other tenants'
 * variables. A restricted caller's items are checked a group at a time, by one batched read.
 */
export async function dryRunBatch(
  deps: DryRunDeps,
  request: { batchOperationType: BatchOperationType; readScope: InstanceScope } & InstanceSelection,
) {
  const operation = operationHandlerFor(request.batchOperationType);
  const source = itemSourceOf(operation);
  const selection = {
    batchOperationType: request.batchOperationType,
    ...validateSelectionOn(deps.engine, operation, request),
  };
  const shardCount = shardCountOn(deps.engine, deps.shardCount);
  const sampleKey = source.noun === 'job' ? 'sampleJobKeys' : 'sampleProcessInstanceKeys';
  // An engine with counts (read whole, one shard) counts without reading every item, unless the
  // caller's scope makes each item's instance worth checking.
  if (deps.engine.countItems && shardCount === 1 && isUnrestricted(request.readScope)) {
    const { total, sample } = await deps.engine.countItems(selection, DRY_RUN_SAMPLE_SIZE, {
      queryRetries: 0,
    });
    return {
      batchOperationType: request.batchOperationType,
      total,
      shards: shardIds(1).map((shard) => ({ shard, count: total })),
      [sampleKey]: sample,
    };
  }
  const shards = await Promise.all(
    shardIds(shardCount).map(async (shard) => {
      let count = 0;
      const sample: string[] = [];
      const items = shardItems(deps.engine, selection, { shard, shardCount }, { queryRetries: 0 });
      for await (const { itemKey } of visibleItems(deps.engine, request.readScope, items)) {
        count++;
        // A shard yields its keys index bucket by bucket, not in key order: keep its smallest.
        if (sample.length < DRY_RUN_SAMPLE_SIZE || itemKey < sample[sample.length - 1]) {
          sample.push(itemKey);
          sample.sort();
          if (sample.length > DRY_RUN_SAMPLE_SIZE) sample.pop();
        }
      }
      return { shard, count, sample };
    }),
  );
  // Each shard kept its smallest keys, so the overall first keys are among them.
  const sample = shards
    .flatMap(({ sample }) => sample)
    .sort()
    .slice(0, DRY_RUN_SAMPLE_SIZE);
  return {
    batchOperationType: request.batchOperationType,
    total: shards.reduce((total, { count }) => total + count, 0),
    shards: shards.map(({ shard, count }) => ({ shard, count })),
    [sampleKey]: sample,
  };
}

/** The items whose instances lie in the scope, in their order; all of them, unread, for an unrestricted scope. */
async function* visibleItems(
  engine: Pick<Engine, 'describeInstances'>,
  scope: InstanceScope,
  items: AsyncIterable<EngineItem>,
): AsyncIterable<EngineItem> {
  if (isUnrestricted(scope)) {
    yield* items;
    return;
  }
  const inScope = async function* (group: EngineItem[]) {
    if (group.length === 0) return;
    const instances = await engine.describeInstances(group.map((item) => item.processInstanceKey));
    yield* group.filter((item) => {
      const instance = instances.get(item.processInstanceKey);
      return instance !== undefined && isInScope(scope, instance);
    });
  };
  let group: EngineItem[] = [];
  for await (const item of items) {
    group.push(item);
    if (group.length < VISIBILITY_GROUP) continue;
    yield* inScope(group);
    group = [];
  }
  yield* inScope(group);
}
