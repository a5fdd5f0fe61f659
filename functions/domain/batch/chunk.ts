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

export interface ChunkTally {
  completed: number;
  failed: number;
}

export function tallyOf(items: readonly ItemOutcome[]): ChunkTally {
  return {
    completed: items.filter((item) => item.state === 'COMPLETED' || item.state === 'SKIPPED').length,
    failed: items.filter((item) => item.state === 'FAILED').length,
  };
}
