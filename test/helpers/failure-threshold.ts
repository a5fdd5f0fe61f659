import { expect } from 'vitest';
import type { apiClient } from './api-client.ts';

/** The batch's rate: low, so the bound's items in flight absorb seconds of a loaded machine's delays. */
const RATE = 6;
export const MIN_PROCESSED_ITEMS = 20;
/** WORKER_CONCURRENCY's default: the items a shard may have in flight when it sees the crossing. */
const IN_FLIGHT_PER_SHARD = 16;

/**
 * A batch its failure threshold ends: the deletion of running instances (every item fails) at 6
 * items/s, failing once more than 10 % of at least 20 processed items failed. Its key.
 */
export async function createThresholdBatch(
  api: ReturnType<typeof apiClient>,
  processDefinitionId: string,
): Promise<string> {
  const created = await api.post('/v2/process-instances/deletion', {
    filter: { processDefinitionId },
    itemsPerSecond: RATE,
    failureThreshold: { percentage: 10, minProcessedItems: MIN_PROCESSED_ITEMS },
  });
  expect(created.status).toBe(200);
  return created.body.batchOperationKey;
}

/**
 * The most items such a batch processes, as docs/limits.md states it for a paced batch: the minimum,
 * two seconds of its rate (a report and a read a second on each shard), each shard's items in flight.
 */
export const thresholdBound = (shards: number) =>
  MIN_PROCESSED_ITEMS + 2 * RATE + shards * IN_FLIGHT_PER_SHARD;
