import { requestJson } from './http.ts';
import type { BatchItem, PageRequest, SearchResult } from './types.ts';

export interface BatchItemSearch {
  filter: { batchOperationKey: string; state?: string };
  sort?: { field: string; order: 'ASC' | 'DESC' }[];
  page?: PageRequest;
}

/** POST /v2/batch-operation-items/search */
export const searchBatchOperationItems = (query: BatchItemSearch) =>
  requestJson<SearchResult<BatchItem>>('POST', '/v2/batch-operation-items/search', query);
