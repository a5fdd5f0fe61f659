import { itemSourceOf } from '#domain/initialization/item-provider/item-source.ts';
import type { ItemProviderDeps } from '#domain/initialization/item-provider/matching-instance-keys.ts';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import {
  appliedByBatch,
  applyOperation,
  applyWrites,
  type BatchItem,
} from '#domain/operations/apply-operation.ts';
import { operationHandlerFor } from '#domain/operations/registry.ts';
import type {
  Engine,
  EngineBatch,
  EngineItem,
  EngineItemResult,
  EngineSelection,
  InstanceRef,
  SelectionPart,
  SelectionStats,
} from '#ports/engine.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';

/**
 * The service's own engine behind the engine port: instances, jobs and incidents in its DynamoDB
 * stores, selected shard by shard through the filter planner and changed by conditional writes that
 * carry the batch's key (so it refuses a second change by the same batch itself). It runs every
 * operation type.
 */
export class BuiltinEngine implements Engine {
  readonly kind = 'builtin';
  readonly marksItems = true;
  readonly selectionSplit = 'shard';

  constructor(private readonly deps: EngineDeps & ItemProviderDeps) {}

  unsupported(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  selectItems(
    selection: EngineSelection,
    part: SelectionPart,
    stats: SelectionStats,
  ): AsyncIterable<EngineItem> {
    if ('whole' in part) throw new Error('The built-in engine reads a selection shard by shard');
    return itemSourceOf(operationHandlerFor(selection.batchOperationType)).items(
      this.deps,
      selection,
      part,
      stats,
    );
  }

  applyItems(batch: EngineBatch, items: readonly EngineItem[]): Promise<EngineItemResult[]> {
    const handler = operationHandlerFor(batch.batchOperationType);
    const batchItems = items.map(
      (item): BatchItem => ({
        batchOperationKey: batch.batchOperationKey,
        processInstanceKey: item.processInstanceKey,
        itemKey: item.itemKey,
        parameters: batch.parameters,
        ...(batch.scope ? { scope: batch.scope } : {}),
      }),
    );
    // A write operation's group goes in batched conditional writes; an engine step's item by item.
    if (handler.kind === 'write') return applyWrites(this.deps, handler, batchItems);
    return Promise.all(batchItems.map((item) => applyOperation(this.deps, handler, item)));
  }

  appliedBy(batch: EngineBatch, items: readonly EngineItem[]): Promise<boolean[]> {
    return appliedByBatch(
      this.deps,
      operationHandlerFor(batch.batchOperationType),
      batch.batchOperationKey,
      items,
    );
  }

  describeInstances(processInstanceKeys: readonly string[]): Promise<Map<string, InstanceRef>> {
    return describeStoredInstances(this.deps.instances, processInstanceKeys);
  }
}

/** The stored instances of the keys, in one batched read, by key (the built-in engine's `describeInstances`). */
export async function describeStoredInstances(
  instances: Pick<ProcessInstanceStore, 'getInstances'>,
  processInstanceKeys: readonly string[],
): Promise<Map<string, InstanceRef>> {
  const found = await instances.getInstances(processInstanceKeys);
  return new Map(found.map((instance) => [instance.processInstanceKey, instance]));
}
