import { requestJson } from './http.ts';
import type { BatchOperation, PageRequest, SearchResult } from './types.ts';

export interface BatchOperationSearch {
  filter?: { operationType?: unknown; state?: unknown; batchOperationKey?: unknown };
  sort?: { field: string; order: 'ASC' | 'DESC' }[];
  page?: PageRequest;
}

/** POST /v2/batch-operations/search */
export const searchBatchOperations = (query: BatchOperationSearch) =>
  requestJson<SearchResult<BatchOperation>>('POST', '/v2/batch-operations/search', query);
