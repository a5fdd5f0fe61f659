import { z } from 'zod';
import type { BatchStore } from '#ports/batch-store.ts';
import type { ChunkStore } from '#ports/chunk-store.ts';
import type { Engine } from '#ports/engine.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { InvalidArgumentError } from '../errors.ts';
import { searchPageSchema, TOTAL_COUNT_CAP } from '../search-page.ts';
import {
  decodeSortKey,
  equalityOf,
  isDescending,
  matchesString,
  PageSelection,
  type SortValue,
  sortSchema,
  stringFilterSchema,
} from '../search-support.ts';
import type { BatchOperation, BatchOperationType } from './batch-operation.ts';
import { type ChunkId, ITEM_STATES, type ItemOutcome } from './chunk.ts';
import { enumFilterSchema, FILTERABLE_OPERATION_TYPES } from './search-batch-operations.ts';

/** Batches a filter pins read at once. */
const BATCH_READS_IN_FLIGHT = 32;

const SORT_FIELDS = ['batchOperationKey', 'itemKey', 'processInstanceKey', 'processedDate', 'state'] as const;

/** Camunda's batch operation item search request (`BatchOperationItemSearchQuery`). */
export const batchItemSearchSchema = z
  .object({
    filter: z
      .object({
        batchOperationKey: stringFilterSchema.optional(),
        itemKey: stringFilterSchema.optional(),
        processInstanceKey: stringFilterSchema.optional(),
        state: enumFilterSchema(ITEM_STATES).optional(),
        operationType: enumFilterSchema(FILTERABLE_OPERATION_TYPES).optional(),
      })
      .strict()
      .optional(),
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();

export type BatchItemSearch = z.infer<typeof batchItemSearchSchema>;

interface FoundItem extends ItemOutcome {
  batchOperationKey: string;
  operationType: BatchOperationType;
}

/**
 * Camunda's batch operation item search over chunk records. The batches come first (the ones the
 * filter pins, else every batch record, matched on key and operation type), in key order; their
 * chunks stream in shard and chunk order, so that order (batch, shard, chunk, position) is the
 * default sort and the cursor, and without `sort` the search stops once its page is settled and the
 * total passed Camunda's cap. A `sort` needs every matching item, so it is taken only where the filter
 * pins the batches (`batchOperationKey` as a value, `$eq` or `$in`): across all batches it would read
 * every item the service ever processed.
 */
/**
 * A page of items with the engine's own ids beside their keys (`itemEngineId`,
 * `processInstanceEngineId`, extension fields) where the engine's ids are not the keys: one read of
 * the engine's id map for the page.
 */
export async function withEngineIds<Item extends { itemKey: string; processInstanceKey: string }>(
  engine: Pick<Engine, 'engineIdsOf'>,
  result: { items: Item[] },
) {
  if (!engine.engineIdsOf || result.items.length === 0) return result;
  const ids = await engine.engineIdsOf(
    result.items.flatMap((item) => [item.itemKey, item.processInstanceKey]),
  );
  return {
    ...result,
    items: result.items.map((item, i) => ({
      ...item,
      itemEngineId: ids[2 * i],
      processInstanceEngineId: ids[2 * i + 1],
    })),
  };
}

export async function searchBatchItems(
  { batches, chunks }: { batches: BatchStore; chunks: ChunkStore },
  request: BatchItemSearch,
) {
  const filter = request.filter ?? {};
  const pinnedKeys = pinnedBatchKeys(filter.batchOperationKey);
  const sort = request.sort ?? [];
  if (sort.length > 0 && pinnedKeys === undefined) {
    throw new InvalidArgumentError(
      'sort: sorting batch operation items needs filter.batchOperationKey as a value, $eq or $in ' +
        '(across all batches it would read every item); without sort, items come in batch key, shard and chunk order',
    );
  }
  const selection = new PageSelection<FoundItem>(request.page, [
    ...sort.map((entry) => isDescending(entry.order)),
    false,
    false,
    false,
    false,
  ]);
  const inSortOrder = sort.length === 0;
  const resumeAt = inSortOrder && request.page?.after ? positionOf(request.page.after) : undefined;
  const selected = await selectBatches(batches, pinnedKeys, filter);

  search: for (let next = 0; next < selected.length; next++) {
    const batch = selected[next];
    // Once the total passed Camunda's cap, what lies before an `after` cursor is neither on the page
    // nor changes the (capped) total: reading resumes at the cursor's chunk, so that paging deep into
    // a large batch does not read it from its start for every page.
    const skipToCursor = resumeAt !== undefined && selection.matchedCount > TOTAL_COUNT_CAP;
    if (skipToCursor && batch.batchOperationKey < resumeAt.batchOperationKey) continue;
    const startAt =
      skipToCursor && batch.batchOperationKey === resumeAt.batchOperationKey ? resumeAt : undefined;
    let readAgain = false;
    for await (const chunk of chunks.read({ batchOperationKey: batch.batchOperationKey, startAt })) {
      for (const [index, outcome] of chunk.items.entries()) {
        if (
          !matchesString(filter.itemKey, outcome.itemKey) ||
          !matchesString(filter.processInstanceKey, outcome.processInstanceKey) ||
          !matchesString(filter.state, outcome.state)
        )
          continue;
        const item = {
          ...outcome,
          batchOperationKey: batch.batchOperationKey,
          operationType: batch.batchOperationType,
        };
        selection.offer(
          [
            ...sort.map(({ field }): SortValue => item[field] ?? null),
            batch.batchOperationKey,
            chunk.shard,
            chunk.chunk,
            index,
          ],
          item,
        );
      }
      if (inSortOrder && selection.matchedCount > TOTAL_COUNT_CAP) {
        if (selection.isSettled()) break search;
        if (
          !skipToCursor &&
          resumeAt &&
          isBefore({ ...chunk, batchOperationKey: batch.batchOperationKey }, resumeAt)
        ) {
          readAgain = true;
          break;
        }
      }
    }
    if (readAgain) next--;
  }
  const { values, page } = selection.result();
  return {
    items: values.map((item) => ({
      batchOperationKey: item.batchOperationKey,
      itemKey: item.itemKey,
      processInstanceKey: item.processInstanceKey,
      // Items do not record the instance's call hierarchy.
      rootProcessInstanceKey: null,
      state: item.state,
      processedDate: item.processedDate ?? null,
      errorMessage: item.errorMessage ?? null,
      operationType: item.operationType,
    })),
    page,
  };
}

type StringFilter = z.infer<typeof stringFilterSchema>;

/** The chunk an unsorted search's cursor points into: its key is [batch key, shard, chunk, position]. */
function positionOf(cursor: string): ChunkId | undefined {
  const [batchOperationKey, shard, chunk] = decodeSortKey(cursor);
  return typeof batchOperationKey === 'string' && typeof shard === 'number' && typeof chunk === 'number'
    ? { batchOperationKey, shard, chunk }
    : undefined;
}

function isBefore(chunk: ChunkId, position: ChunkId): boolean {
  if (chunk.batchOperationKey !== position.batchOperationKey)
    return chunk.batchOperationKey < position.batchOperationKey;
  return chunk.shard !== position.shard ? chunk.shard < position.shard : chunk.chunk < position.chunk;
}

function pinnedBatchKeys(filter: StringFilter | undefined): string[] | undefined {
  const key = equalityOf(filter);
  if (key !== undefined) return [key];
  return typeof filter === 'object' ? filter.$in : undefined;
}

/** The batches whose items are searched, in key order. */
async function selectBatches(
  batches: BatchStore,
  pinnedKeys: string[] | undefined,
  filter: NonNullable<BatchItemSearch['filter']>,
): Promise<BatchOperation[]> {
  const selected: BatchOperation[] = [];
  if (pinnedKeys) {
    const found = await mapWithConcurrency([...new Set(pinnedKeys)], BATCH_READS_IN_FLIGHT, (key) =>
      batches.getBatch(key),
    );
    for (const batch of found) if (batch) selected.push(batch.batch);
  } else {
    for await (const batch of batches.listBatches()) selected.push(batch);
  }
  return selected
    .filter(
      (batch) =>
        matchesString(filter.batchOperationKey, batch.batchOperationKey) &&
        matchesString(filter.operationType, batch.batchOperationType),
    )
    .sort((a, b) => (a.batchOperationKey < b.batchOperationKey ? -1 : 1));
}
