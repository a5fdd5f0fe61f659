import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cancelBatchOperation } from '../api/cancelBatchOperation.ts';
import { getBatchOperation } from '../api/getBatchOperation.ts';
import { resumeBatchOperation } from '../api/resumeBatchOperation.ts';
import { retryFailedItems } from '../api/retryFailedItems.ts';
import { type BatchItemSearch, searchBatchOperationItems } from '../api/searchBatchOperationItems.ts';
import { type BatchOperationSearch, searchBatchOperations } from '../api/searchBatchOperations.ts';
import { startBatchOperation } from '../api/startBatchOperation.ts';
import { suspendBatchOperation } from '../api/suspendBatchOperation.ts';
import { type BatchOperation, type BatchState, isFinal } from '../api/types.ts';
import { type LiveControls, updateBatchOperation } from '../api/updateBatchOperation.ts';
import { LIVE_POLL_MS, queryKeys } from './keys.ts';

/** How often a list with nothing running looks for batches created elsewhere (a script, the CLI). */
const IDLE_POLL_MS = 10_000;

/**
 * A page of batches, kept on screen while the next page loads. It polls every second while one of
 * its batches runs or `live` says another list has running ones (they end up in this one), else slowly.
 */
export function useBatchList(query: BatchOperationSearch, live = false) {
  return useQuery({
    queryKey: queryKeys.batchList(query),
    queryFn: () => searchBatchOperations(query),
    placeholderData: keepPreviousData,
    refetchInterval: (current) =>
      live || current.state.data?.items.some((batch) => !isFinal(batch.state)) ? LIVE_POLL_MS : IDLE_POLL_MS,
  });
}

/** One batch, polled until it reaches a final state. */
export function useBatch(batchOperationKey: string | undefined) {
  return useQuery({
    queryKey: queryKeys.batch(batchOperationKey ?? ''),
    queryFn: () => getBatchOperation(batchOperationKey as string),
    enabled: Boolean(batchOperationKey),
    refetchInterval: (current) => {
      const batch = current.state.data;
      return batch && isFinal(batch.state) ? false : LIVE_POLL_MS;
    },
  });
}

/** A page of a batch's items; polls while the batch runs (pending items still change). */
export function useBatchItems(query: BatchItemSearch, live: boolean) {
  return useQuery({
    queryKey: queryKeys.batchItems(query.filter.batchOperationKey, query),
    queryFn: () => searchBatchOperationItems(query),
    placeholderData: keepPreviousData,
    refetchInterval: live ? LIVE_POLL_MS : false,
  });
}

export type BatchAction = 'suspend' | 'resume' | 'cancel';

const ACTIONS: Record<
  BatchAction,
  { call: (key: string) => Promise<void>; reached: (state: BatchState) => boolean }
> = {
  suspend: { call: suspendBatchOperation, reached: (state) => state === 'SUSPENDED' || isFinal(state) },
  resume: { call: resumeBatchOperation, reached: (state) => state !== 'SUSPENDED' },
  cancel: { call: cancelBatchOperation, reached: (state) => isFinal(state) },
};

/** How many times (a second apart) an accepted action re-reads the batch before it says the state did not show yet. */
const CONFIRM_TRIES = 10;

/**
 * Suspend, resume or cancel. "Accepted" is not "changed": after the API's 204 the batch is re-read
 * until the expected state shows (or tries run out), then the lists are invalidated.
 */
export function useBatchAction(batchOperationKey: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (
      action: BatchAction,
    ): Promise<{ action: BatchAction; batch: BatchOperation; confirmed: boolean }> => {
      await ACTIONS[action].call(batchOperationKey);
      let batch = await getBatchOperation(batchOperationKey);
      for (let tries = 1; tries < CONFIRM_TRIES && !ACTIONS[action].reached(batch.state); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        batch = await getBatchOperation(batchOperationKey);
      }
      return { action, batch, confirmed: ACTIONS[action].reached(batch.state) };
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.batches }),
    onSuccess: ({ batch }) => client.setQueryData(queryKeys.batch(batchOperationKey), batch),
  });
}

/** A new batch over the failed items of this one. */
export function useRetryFailedItems(batchOperationKey: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => retryFailedItems(batchOperationKey),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.batches }),
  });
}

/**
 * A live change of a running batch (rate, priority), or a scheduled batch started now: the batch is
 * read again at once, and the lists too.
 */
export function useBatchControl(batchOperationKey: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (change: { start: true } | { controls: LiveControls }) => {
      if ('start' in change) await startBatchOperation(batchOperationKey);
      else await updateBatchOperation(batchOperationKey, change.controls);
      return getBatchOperation(batchOperationKey);
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.batches }),
    onSuccess: (batch) => client.setQueryData(queryKeys.batch(batchOperationKey), batch),
  });
}
