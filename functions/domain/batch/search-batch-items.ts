import { z } from 'zod';
import type { BatchStore } from '../../ports/batch-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import { DEFAULT_PAGE_LIMIT, pageResult, searchPageSchema, TOTAL_COUNT_CAP } from '../search-page.ts';
import type { BatchOperationType } from './batch-operation.ts';
import { ITEM_STATES, type ItemOutcome } from './chunk.ts';

const stringFilter = z.union([
  z.string(),
  z.object({ $eq: z.string().optional(), $in: z.array(z.string()).optional() }).strict(),
]);
const stateFilter = z.union([
  z.enum(ITEM_STATES),
  z.object({ $eq: z.enum(ITEM_STATES).optional(), $in: z.array(z.enum(ITEM_STATES)).optional() }).strict(),
]);

export const batchItemSearchSchema = z
  .object({
    filter: z
      .object({
        batchOperationKey: stringFilter.optional(),
        itemKey: stringFilter.optional(),
        processInstanceKey: stringFilter.optional(),
        state: stateFilter.optional(),
        operationType: stringFilter.optional(),
      })
      .strict()
      .optional(),
    sort: z
      .array(z.object({ field: z.string(), order: z.enum(['ASC', 'DESC']).optional() }).strict())
      .max(0, {
        message:
          'sorting batch operation items is not supported: items are returned in shard and chunk order',
      })
      .optional(),
    page: searchPageSchema.optional(),
  })
  .strict();

export type BatchItemSearch = z.infer<typeof batchItemSearchSchema>;

interface ItemCursor {
  batchOperationKey: string;
  shard: number;
  chunk: number;
  index: number;
}

type StringFilter = z.infer<typeof stringFilter>;

function accepts(filter: StringFilter | undefined, value: string | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return value === filter;
  return (
    (filter.$eq === undefined || value === filter.$eq) &&
    (filter.$in === undefined || (value !== undefined && filter.$in.includes(value)))
  );
}

/**
 * Camunda's batch operation item search over chunk records: items stream chunk by chunk, are
 * filtered, and only one page is kept; totals are counted up to a cap.
 */
export async function searchBatchItems(batches: BatchStore, request: BatchItemSearch) {
  const filter = request.filter ?? {};
  const from = request.page?.from ?? 0;
  const limit = request.page?.limit ?? DEFAULT_PAGE_LIMIT;
  const after = request.page?.after ? decodeCursor(request.page.after) : undefined;
  const singleBatch =
    typeof filter.batchOperationKey === 'string' ? filter.batchOperationKey : filter.batchOperationKey?.$eq;
  const types = new Map<string, BatchOperationType | undefined>();
  const typeOf = async (key: string) => {
    if (!types.has(key)) types.set(key, (await batches.getBatch(key))?.batch.batchOperationType);
    return types.get(key);
  };

  const page: (ItemOutcome & { batchOperationKey: string; operationType?: BatchOperationType })[] = [];
  const cursors: ItemCursor[] = [];
  let matched = 0;
  for await (const chunk of batches.chunks({ batchOperationKey: singleBatch, startAt: after })) {
    if (!accepts(filter.batchOperationKey, chunk.batchOperationKey)) continue;
    const operationType = await typeOf(chunk.batchOperationKey);
    if (!accepts(filter.operationType, operationType)) continue;
    for (const [index, item] of chunk.items.entries()) {
      const isSameChunk =
        after &&
        after.batchOperationKey === chunk.batchOperationKey &&
        after.shard === chunk.shard &&
        after.chunk === chunk.chunk;
      if (isSameChunk && index <= after.index) continue;
      if (
        !accepts(filter.itemKey, item.itemKey) ||
        !accepts(filter.processInstanceKey, item.processInstanceKey)
      )
        continue;
      if (!accepts(filter.state as StringFilter | undefined, item.state)) continue;
      matched++;
      if (matched > from && page.length < limit) {
        page.push({ ...item, batchOperationKey: chunk.batchOperationKey, operationType });
        cursors.push({
          batchOperationKey: chunk.batchOperationKey,
          shard: chunk.shard,
          chunk: chunk.chunk,
          index,
        });
      }
    }
    if (page.length === limit && matched > TOTAL_COUNT_CAP) break;
  }
  return {
    items: page.map((item) => ({
      operationType: item.operationType,
      batchOperationKey: item.batchOperationKey,
      itemKey: item.itemKey,
      processInstanceKey: item.processInstanceKey,
      state: item.state,
      ...(item.processedDate ? { processedDate: item.processedDate } : {}),
      ...(item.errorMessage ? { errorMessage: item.errorMessage } : {}),
    })),
    page: pageResult(
      matched,
      cursors.length > 0
        ? { start: encodeCursor(cursors[0]), end: encodeCursor(cursors[cursors.length - 1]) }
        : undefined,
    ),
  };
}

function encodeCursor(cursor: ItemCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string): ItemCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as ItemCursor;
    if (
      typeof parsed.batchOperationKey === 'string' &&
      [parsed.shard, parsed.chunk, parsed.index].every(Number.isInteger)
    )
      return parsed;
  } catch {
    // fall through to the error below
  }
  throw new InvalidArgumentError(`page.after is not a cursor returned by this search: ${cursor}`);
}
