import type { Engine, EngineItem, EngineSelection, SelectionStats } from '#ports/engine.ts';
import { shardOf } from '../../keys.ts';

/**
 * The shards a new batch spreads over on this engine. An engine read whole (an external cluster's
 * search, which is not partitioned) is read once per batch: its batch has one shard, and the worker's
 * concurrency, not a shard count, spreads its calls over the engine.
 */
export function shardCountOn(engine: Pick<Engine, 'selectionSplit'>, configured: number): number {
  return engine.selectionSplit === 'whole' ? 1 : configured;
}

/**
 * One shard's items of a selection, through the engine: the shard's own part of an engine read shard
 * by shard, or, of an engine read whole, the items whose instance belongs to the shard.
 */
export async function* shardItems(
  engine: Pick<Engine, 'selectionSplit' | 'selectItems'>,
  selection: EngineSelection,
  shard: { shard: number; shardCount: number },
  stats: SelectionStats,
): AsyncGenerator<EngineItem> {
  if (engine.selectionSplit === 'shard') {
    yield* engine.selectItems(selection, shard, stats);
    return;
  }
  for await (const item of engine.selectItems(selection, { whole: true }, stats)) {
    if (shard.shardCount === 1 || shardOf(item.processInstanceKey, shard.shardCount) === shard.shard)
      yield item;
  }
}
