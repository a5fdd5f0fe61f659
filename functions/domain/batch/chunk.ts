/**
 * Items travel in chunks: one record holds up to `chunkSize` item keys and, once executed, their
 * outcomes. Item bookkeeping and counter updates happen once per chunk, never per item.
 */
export const ITEM_STATES = ['ACTIVE', 'COMPLETED', 'SKIPPED', 'CANCELED', 'FAILED'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export interface ItemOutcome {
  itemKey: string;
  processInstanceKey: string;
  state: ItemState;
  processedDate?: string;
  errorMessage?: string;
}

export interface ChunkId {
  batchOperationKey: string;
  shard: number;
  chunk: number;
}

export interface Chunk extends ChunkId {
  state: 'PENDING' | 'DONE';
  items: ItemOutcome[];
  /**
   * Items of a pending chunk handed to an engine that cannot refuse a repeat (an external one), by
   * item key: recorded before they were sent, so a later delivery asks the engine before sending again.
   */
  sentItemKeys?: string[];
}

/** Sort key of a chunk record: shard then chunk number, zero-padded so records list in order. */
export function chunkSortKey(shard: number, chunk: number): string {
  return `${String(shard).padStart(4, '0')}#${String(chunk).padStart(6, '0')}`;
}

export function parseChunkSortKey(sortKey: string): { shard: number; chunk: number } {
  const [shard, chunk] = sortKey.split('#').map(Number);
  return { shard, chunk };
}

/** Groups a stream of keys into chunks of `size`, holding at most one chunk in memory. */
export async function* chunked<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let current: T[] = [];
  for await (const item of items) {
    current.push(item);
    if (current.length === size) {
      yield current;
      current = [];
    }
  }
  if (current.length > 0) yield current;
}

/** An item not processed yet: an instance (by its key, also the item key), or a job of an instance. */
export function pendingItem(item: string | { itemKey: string; processInstanceKey: string }): ItemOutcome {
  return typeof item === 'string'
    ? { itemKey: item, processInstanceKey: item, state: 'ACTIVE' }
    : { itemKey: item.itemKey, processInstanceKey: item.processInstanceKey, state: 'ACTIVE' };
}

/** DynamoDB's item size limit, 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html). */
export const DDB_ITEM_MAX_BYTES = 400 * 1024;

/**
 * What one item's outcome takes in a chunk record besides its error message, at most: two 19-digit
 * keys, the longest state, an ISO date, the attribute names, and the map and list overhead (DynamoDB
 * counts 3 bytes per map plus 1 per element).
 */
export const ITEM_OUTCOME_BYTES = 135;

/** A chunk record stays within 90% of the item limit: 10% margin over the worst case counted here. */
const CHUNK_RECORD_BUDGET_BYTES = Math.floor(DDB_ITEM_MAX_BYTES * 0.9);

/** The chunk record's own attributes (batch key, sort key, state), with room to spare. */
const CHUNK_RECORD_BYTES = 200;

/** Longest error message kept per item, in UTF-8 bytes, however small the chunk: a readable reason, not a dump. */
export const MAX_ITEM_ERROR_MESSAGE_BYTES = 1024;
export const TRUNCATION_MARK = '…';

/**
 * The longest error message an item of a chunk of `itemCount` items keeps, so that the chunk record
 * fits DynamoDB's item limit even when every item failed with a message that long: 1,024 bytes up
 * to 317 items, 233 bytes at CHUNK_SIZE's maximum of 1,000 (engine messages name a key, a definition
 * and an element or two and fit; an echoed user input or a long list of element ids is cut).
 */
export function errorMessageBudget(itemCount: number): number {
  const perItem = Math.floor((CHUNK_RECORD_BUDGET_BYTES - CHUNK_RECORD_BYTES) / Math.max(itemCount, 1));
  return Math.min(MAX_ITEM_ERROR_MESSAGE_BYTES, perItem - ITEM_OUTCOME_BYTES);
}

const utf8 = new TextEncoder();

/** The message cut to at most `maxBytes` UTF-8 bytes, between characters, ending with TRUNCATION_MARK if cut. */
export function boundedErrorMessage(message: string, maxBytes: number): string {
  if (utf8.encode(message).length <= maxBytes) return message;
  let bytes = utf8.encode(TRUNCATION_MARK).length;
  let kept = '';
  for (const character of message) {
    bytes += utf8.encode(character).length;
    if (bytes > maxBytes) break;
    kept += character;
  }
  return kept + TRUNCATION_MARK;
}

/** Distinct failure messages kept per chunk; the rest are counted under one line (bounds the shard record). */
export const MAX_ERROR_MESSAGES_PER_CHUNK = 10;
export const OTHER_ERRORS = 'Other errors (more distinct messages than are summarized)';

export interface ChunkTally {
  completed: number;
  failed: number;
  /** Failed items per error message, with the item's own key taken out so that messages aggregate. */
  errors: Record<string, number>;
}

export function tallyOf(items: readonly ItemOutcome[]): ChunkTally {
  const errors: Record<string, number> = {};
  for (const item of items) {
    if (item.state !== 'FAILED') continue;
    let message = errorSummaryLine(item);
    if (!(message in errors) && Object.keys(errors).length >= MAX_ERROR_MESSAGES_PER_CHUNK)
      message = OTHER_ERRORS;
    errors[message] = (errors[message] ?? 0) + 1;
  }
  return {
    completed: items.filter((item) => item.state === 'COMPLETED' || item.state === 'SKIPPED').length,
    failed: items.filter((item) => item.state === 'FAILED').length,
    errors,
  };
}

/** An item's error message as one line of the batch's error summary: the same reason reads the same. */
export function errorSummaryLine(item: ItemOutcome): string {
  return (item.errorMessage ?? 'No reason recorded').replaceAll(
    item.processInstanceKey,
    '{processInstanceKey}',
  );
}
