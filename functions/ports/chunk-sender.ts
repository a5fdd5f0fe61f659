import type { ChunkId } from '#domain/batch/chunk.ts';

/** Hands chunks to the workers (on AWS: the FIFO queue the worker function consumes). */
export interface ChunkSender {
  /**
   * Sends chunk addresses. `redispatch` names a later round of sending the same chunks again (the
   * watchdog's recovery): its messages must not be dropped as duplicates of the first round.
   */
  sendChunks(chunks: readonly ChunkId[], redispatch?: string): Promise<void>;
}
