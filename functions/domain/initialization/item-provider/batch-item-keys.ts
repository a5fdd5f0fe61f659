import { shardOf } from '#domain/keys.ts';
import { type ItemProviderDeps, matchingInstanceKeys } from './matching-instance-keys.ts';

/** What a batch names its instances by: a filter, a list of keys (an extension), or both (their union). */
export interface InstanceSelection {
  filter?: unknown;
  processInstanceKeys?: string[];
}

/**
 * One shard's items of a selection: first the listed keys that belong to the shard (as given, without
 * reading them, so a key that does not exist becomes an item that fails with "not found" instead of
 * vanishing), then the filter's matches that were not listed. Each instance appears once. The list
 * is bounded at creation (MAX_PROCESS_INSTANCE_KEYS), so holding it as a set costs little.
 */
export async function* batchItemKeys(
  deps: ItemProviderDeps,
  selection: InstanceSelection,
  shard: { shard: number; shardCount: number },
  stats: { queryRetries: number },
): AsyncGenerator<string> {
  const listed = new Set(
    (selection.processInstanceKeys ?? []).filter((key) => shardOf(key, shard.shardCount) === shard.shard),
  );
  yield* listed;
  if (selection.filter === undefined) return;
  for await (const key of matchingInstanceKeys(deps, selection.filter, shard.shard, stats)) {
    if (!listed.has(key)) yield key;
  }
}
