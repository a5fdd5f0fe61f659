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

export function pendingItem(processInstanceKey: string): ItemOutcome {
  return { itemKey: processInstanceKey, processInstanceKey, state: 'ACTIVE' };
}

/**
 * Longest error message kept per item, in UTF-8 bytes: a chunk record must fit DynamoDB's 400 KB item
 * limit (409,600 bytes). At CHUNK_SIZE's maximum of 1,000 items, an item costs at most 135 bytes
 * besides its message (two 19-digit keys, the longest state, an ISO date, the attribute names, the
 * map and list overhead), so 200-byte messages keep a full chunk under 336,000 bytes: 18% below the
 * limit. Engine messages name a key and an element or two and fit; a longer one (an echoed user
 * input, a long list of element ids) is cut and ends with TRUNCATION_MARK.
 */
export const MAX_ITEM_ERROR_MESSAGE_BYTES = 200;
export const TRUNCATION_MARK = '…';

const utf8 = new TextEncoder();

/** The message as an item keeps it: at most MAX_ITEM_ERROR_MESSAGE_BYTES, cut between characters. */
export function boundedErrorMessage(message: string): string {
  if (utf8.encode(message).length <= MAX_ITEM_ERROR_MESSAGE_BYTES) return message;
  let bytes = utf8.encode(TRUNCATION_MARK).length;
  let kept = '';
  for (const character of message) {
    bytes += utf8.encode(character).length;
    if (bytes > MAX_ITEM_ERROR_MESSAGE_BYTES) break;
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
