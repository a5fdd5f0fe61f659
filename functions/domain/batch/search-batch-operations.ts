import { z } from 'zod';
import type { BatchStore, BatchWithShards } from '#ports/batch-store.ts';
import { toBatchOperationResult } from '#wire/batch-operation-result.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { searchPageSchema } from '../search-page.ts';
import {
  equalityOf,
  isDescending,
  matchesString,
  PageSelection,
  type SortValue,
  sortSchema,
  stringFilterSchema,
} from '../search-support.ts';
import { BATCH_OPERATION_STATES, BATCH_OPERATION_TYPES, type BatchOperation } from './batch-operation.ts';

/**
 * Camunda 8.10's batch operation types. A filter may name any of them: those this service does not run
 * simply match nothing, as they would on a cluster that never ran one.
 */
const CAMUNDA_BATCH_OPERATION_TYPES = [
  'CANCEL_PROCESS_INSTANCE',
  'RESOLVE_INCIDENT',
  'MIGRATE_PROCESS_INSTANCE',
  'MODIFY_PROCESS_INSTANCE',
  'DELETE_DECISION_DEFINITION',
  'DELETE_DECISION_INSTANCE',
  'DELETE_PROCESS_DEFINITION',
  'DELETE_PROCESS_INSTANCE',
  'ADD_VARIABLE',
  'UPDATE_VARIABLE',
  'SUSPEND_PROCESS_INSTANCE',
  'RESUME_PROCESS_INSTANCE',
] as const;
export const FILTERABLE_OPERATION_TYPES = [
  ...new Set<string>([...BATCH_OPERATION_TYPES, ...CAMUNDA_BATCH_OPERATION_TYPES]),
] as [string, ...string[]];

/** Camunda's filter on an enum field: a value, or the operators with values of the enum. */
export function enumFilterSchema<T extends readonly [string, ...string[]]>(values: T) {
  const value = z.enum(values);
  return z.union([
    value,
    z
      .object({
        $eq: value.optional(),
        $neq: value.optional(),
        $exists: z.boolean().optional(),
        $in: z.array(value).optional(),
        $notIn: z.array(value).optional(),
        $like: z.string().optional(),
      })
      .strict(),
  ]);
}

/** Batches of a page read at once (a page may hold up to 10,000). */
const BATCH_READS_IN_FLIGHT = 32;

const SORT_FIELDS = [
  'batchOperationKey',
  'operationType',
  'state',
  'startDate',
  'endDate',
  'actorId',
] as const;
type SortField = (typeof SORT_FIELDS)[number];

/** Camunda's batch operation search request (`BatchOperationSearchQuery`). */
export const batchOperationSearchSchema = z
  .object({
    filter: z
      .object({
        batchOperationKey: stringFilterSchema.optional(),
        operationType: enumFilterSchema(FILTERABLE_OPERATION_TYPES).optional(),
        state: enumFilterSchema(BATCH_OPERATION_STATES).optional(),
        // Camunda 8.9: who created the batch.
        actorType: z.enum(['USER', 'CLIENT', 'ANONYMOUS', 'UNKNOWN']).optional(),
        actorId: stringFilterSchema.optional(),
      })
      .strict()
      .optional(),
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();
export type BatchOperationSearch = z.infer<typeof batchOperationSearchSchema>;

function sortValue(batch: BatchOperation, field: SortField): SortValue {
  switch (field) {
    case 'operationType':
      return batch.batchOperationType;
    case 'actorId':
      return batch.actorId ?? null;
    default:
      return batch[field] ?? null;
  }
}

/**
 * Camunda's batch operation search. Batches are few next to their items, so the candidates are
 * every batch record (from the index by start date; one record when the filter pins a key): the
 * filter is matched here, only the requested page is kept in sort order (then by key), and only that
 * page's batches are read whole (their shards carry the counts).
 */
export async function searchBatchOperations(batches: BatchStore, request: BatchOperationSearch, now: Date) {
  const filter = request.filter ?? {};
  const sort = [...(request.sort ?? []), { field: 'batchOperationKey' as const, order: 'ASC' as const }];
  const selection = new PageSelection<string>(
    request.page,
    sort.map((entry) => isDescending(entry.order)),
  );
  for await (const batch of candidates(batches, equalityOf(filter.batchOperationKey))) {
    if (
      !matchesString(filter.batchOperationKey, batch.batchOperationKey) ||
      !matchesString(filter.operationType, batch.batchOperationType) ||
      !matchesString(filter.state, batch.state) ||
      (filter.actorType !== undefined && batch.actorType !== filter.actorType) ||
      !matchesString(filter.actorId, batch.actorId)
    )
      continue;
    selection.offer(
      sort.map(({ field }) => sortValue(batch, field)),
      batch.batchOperationKey,
    );
  }
  const { values, page } = selection.result();
  const found = await mapWithConcurrency(values, BATCH_READS_IN_FLIGHT, (key) => batches.getBatch(key));
  return {
    // A batch is never deleted, so every selected key is still there.
    items: found
      .filter((batch): batch is BatchWithShards => batch !== undefined)
      .map((batch) => toBatchOperationResult(batch, now)),
    page,
  };
}

async function* candidates(batches: BatchStore, pinnedKey: string | undefined) {
  if (pinnedKey === undefined) {
    yield* batches.listBatches();
    return;
  }
  const found = await batches.getBatch(pinnedKey);
  if (found) yield found.batch;
}
