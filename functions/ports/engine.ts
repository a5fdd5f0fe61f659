import type { InstanceScope } from '#domain/authorization/permissions.ts';
import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import type { ItemErrorClass } from '#domain/operations/operation-handler.ts';

/** Which engine holds the instances a deployment's batches act on (configuration `ENGINE`). */
export type EngineKind = 'builtin' | 'camunda8' | 'camunda7';

/** One item of a batch: what it acts on (an instance, or a job for a job operation) and the instance that is or holds it. */
export interface EngineItem {
  itemKey: string;
  processInstanceKey: string;
}

/** What a batch names its items by, as stored with the batch: a filter, explicit instance keys (an extension), or both. */
export interface EngineSelection {
  batchOperationType: BatchOperationType;
  filter?: unknown;
  processInstanceKeys?: string[];
}

/**
 * Which part of a selection one read covers. `shard` of `shardCount`: the engine reads only that
 * shard's items (the built-in engine, whose store is partitioned by shard). `whole`: the engine reads
 * every item once for the batch (an external engine, whose search is not partitioned), and the caller
 * spreads the items over the shards by key.
 */
export type SelectionPart = { shard: number; shardCount: number } | { whole: true };

/** The batch an item group belongs to: its key and its stored parameters (the type's own request fields). */
export interface EngineBatch {
  batchOperationKey: string;
  batchOperationType: BatchOperationType;
  parameters?: unknown;
  /**
   * What the batch's creator may act on, where it was restricted: an operation that moves an instance
   * elsewhere (a migration's target) is checked against it too.
   */
  scope?: InstanceScope;
}

/** What became of one item: applied, or refused with the engine's own reason. */
export type EngineItemResult =
  | { state: 'COMPLETED' }
  | { state: 'FAILED'; errorMessage: string; errorClass: ItemErrorClass };

/** Where an instance belongs, as the creator's scope check needs it (functions/domain/authorization/authorize-items.ts). */
export interface InstanceRef {
  processDefinitionId: string;
  tenantId: string;
  /** The batches that changed the instance, where the engine records them (the built-in engine). */
  batchOperationIds?: readonly string[];
}

/** Counters a selection read reports (the query-retry metric). */
export interface SelectionStats {
  queryRetries: number;
}

/**
 * The engine behind every phase: the only way the domain selects items, applies an operation to them
 * and asks what a batch already did. One adapter per engine (functions/adapters/<engine>/), one engine
 * per deployment; nothing in the domain knows which one runs.
 */
export interface Engine {
  readonly kind: EngineKind;
  /**
   * Whether the engine itself refuses a second change by the same batch (the built-in engine marks
   * the item with the batch key in the same conditional write). An engine without it (an external
   * one) needs the worker to record an item as sent before `apply`, and to ask `appliedBy` for an
   * item found sent on a redelivery instead of applying it again.
   */
  readonly marksItems: boolean;
  /**
   * Checks a selection written in the engine's own query language (Camunda 7's queries and string ids)
   * and returns it as the batch stores it; throws InvalidArgumentError naming what is wrong. Absent
   * when the selection is Camunda 8's filter language with numeric keys, which the domain checks.
   */
  validateSelection?(
    type: BatchOperationType,
    selection: Omit<EngineSelection, 'batchOperationType'>,
  ): Omit<EngineSelection, 'batchOperationType'>;
  /**
   * Checks an operation's parameters against the engine's own process definitions (a migration's
   * target) and throws InvalidArgumentError naming what is wrong. Present when the engine's definitions
   * are not the built-in store's, which the operations' own creation checks read otherwise. A target
   * outside the creator's `scope` reads as unknown, as the built-in checks treat another's definition.
   */
  validateParameters?(
    type: BatchOperationType,
    parameters: Record<string, unknown>,
    scope: InstanceScope,
  ): Promise<void>;
  /** Why the engine cannot run this operation type per item; undefined when it can. Checked at creation. */
  unsupported(type: BatchOperationType): Promise<string | undefined>;
  /** How a read of this engine's items is split: per shard, or once for the whole batch. */
  readonly selectionSplit: 'shard' | 'whole';
  /**
   * The items of a selection, streamed page by page (never collected whole); each item once. Throws
   * QueryFailedError when the engine's query failed beyond the query retry policy.
   */
  selectItems(
    selection: EngineSelection,
    part: SelectionPart,
    stats: SelectionStats,
  ): AsyncIterable<EngineItem>;
  /**
   * How many items a selection holds and its `sampleSize` smallest item keys, by the engine's own
   * counts instead of reading every item (the dry run of an engine read whole). Each item once, as
   * `selectItems` yields them. Absent where the engine has no counts.
   */
  countItems?(
    selection: EngineSelection,
    sampleSize: number,
    stats: SelectionStats,
  ): Promise<{ total: number; sample: string[] }>;
  /**
   * Applies the batch's operation to a group of its items and returns each item's outcome in the
   * order of the items. Exactly once per batch and item when `marksItems`. Throws TransientEngineError
   * when the engine could not be reached or kept answering "slow down" beyond the worker's patience:
   * the items not reported stay pending and the chunk comes again.
   */
  applyItems(batch: EngineBatch, items: readonly EngineItem[]): Promise<EngineItemResult[]>;
  /**
   * Whether this batch's operation has already taken effect on each item (in the items' order): for
   * the built-in engine, the record the operation marks (the job for a job item, the instance or a
   * deleted instance's tombstone otherwise) carries the batch key; for an external engine, whose
   * items were recorded as sent, the item's state shows the operation's effect. Used by a redelivered
   * chunk and by the accounting of a chunk without its worker alike, so the two cannot disagree.
   */
  appliedBy(batch: EngineBatch, items: readonly EngineItem[]): Promise<boolean[]>;
  /**
   * The engine's own ids of keys it handed out, in their order, where its ids are not Camunda 8's
   * numeric keys (Camunda 7's strings): shown beside the keys, e.g. in the batch item search. Absent
   * where the keys are the engine's own.
   */
  engineIdsOf?(keys: readonly string[]): Promise<string[]>;
  /** The definition and tenant of each existing instance among the keys (absent ones left out), in as few requests as the engine allows. */
  describeInstances(processInstanceKeys: readonly string[]): Promise<Map<string, InstanceRef>>;
}
