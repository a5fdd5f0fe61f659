import { requestJson } from './http.ts';
import type { ProcessDefinition, SearchResult } from './types.ts';

/** POST /v2/process-definitions/search */
export const searchProcessDefinitions = (query: {
  filter?: Record<string, unknown>;
  page?: { limit: number };
}) => requestJson<SearchResult<ProcessDefinition>>('POST', '/v2/process-definitions/search', query);
