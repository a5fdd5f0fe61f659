import { requestJson } from './http.ts';
import type { PageRequest, ProcessInstance, SearchResult } from './types.ts';

/** POST /v2/process-instances/search */
export const searchProcessInstances = (query: { filter: unknown; page?: PageRequest; sort?: unknown[] }) =>
  requestJson<SearchResult<ProcessInstance>>('POST', '/v2/process-instances/search', query);
