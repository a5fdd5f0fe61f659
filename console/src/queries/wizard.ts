import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { createBatchOperation } from '../api/createBatchOperation.ts';
import { dryRunBatch } from '../api/dryRunBatch.ts';
import { getLimits } from '../api/getLimits.ts';
import { getProcessDefinitionXml } from '../api/getProcessDefinitionXml.ts';
import { searchProcessDefinitions } from '../api/searchProcessDefinitions.ts';
import { searchProcessInstances } from '../api/searchProcessInstances.ts';
import { queryKeys } from './keys.ts';

export function useProcessDefinitions() {
  return useQuery({
    queryKey: queryKeys.definitions,
    queryFn: () => searchProcessDefinitions({ page: { limit: 1000 } }),
    select: (result) =>
      [...result.items].sort(
        (a, b) => a.processDefinitionId.localeCompare(b.processDefinitionId) || b.version - a.version,
      ),
  });
}

/** The deployment's limits (the lowest rate): settings, so read once. */
export function useLimits() {
  return useQuery({ queryKey: queryKeys.limits, queryFn: getLimits, staleTime: Number.POSITIVE_INFINITY });
}

/** The BPMN of a definition; undefined data with an error when the API does not serve it. */
export function useDefinitionXml(processDefinitionKey: string) {
  return useQuery({
    queryKey: queryKeys.definitionXml(processDefinitionKey),
    queryFn: () => getProcessDefinitionXml(processDefinitionKey),
    enabled: Boolean(processDefinitionKey),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Active instances of a definition per element: one counting search per element (limit 1, the
 * total is what counts), the element filter of Camunda's process-instance filter.
 */
export function useActiveElementCounts(processDefinitionKey: string, elementIds: readonly string[]) {
  return useQuery({
    queryKey: queryKeys.elementCounts(processDefinitionKey, elementIds),
    enabled: Boolean(processDefinitionKey) && elementIds.length > 0,
    queryFn: async () => {
      const counts = await Promise.all(
        elementIds.map(async (elementId) => {
          const result = await searchProcessInstances({
            filter: { processDefinitionKey, state: 'ACTIVE', elementId, elementInstanceState: 'ACTIVE' },
            page: { limit: 1 },
          });
          return [elementId, result.page.totalItems] as const;
        }),
      );
      return Object.fromEntries(counts.filter(([, count]) => count > 0));
    },
  });
}

/** The dry run of the request being built; undefined body pauses it (the form is not valid yet). */
export function useDryRun(operation: string | undefined, body: unknown) {
  return useQuery({
    queryKey: queryKeys.dryRun(operation ?? '', body),
    queryFn: () => dryRunBatch(operation as string, body),
    enabled: Boolean(operation) && body !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useCreateBatch() {
  return useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => createBatchOperation(path, body),
  });
}
