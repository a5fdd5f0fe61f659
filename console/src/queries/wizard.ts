import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { createBatchOperation } from '../api/createBatchOperation.ts';
import { dryRunBatch } from '../api/dryRunBatch.ts';
import { getLimits } from '../api/getLimits.ts';
import { getProcessDefinitionStatistics } from '../api/getProcessDefinitionStatistics.ts';
import { getProcessDefinitionXml } from '../api/getProcessDefinitionXml.ts';
import { searchProcessDefinitions } from '../api/searchProcessDefinitions.ts';
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
 * Active instances of a definition per element of its diagram, from Camunda's element statistics of
 * the definition (one request, on any Camunda 8 engine): an element's active element instances, with
 * or without an incident.
 */
export function useActiveElementCounts(processDefinitionKey: string, elementIds: readonly string[]) {
  return useQuery({
    queryKey: queryKeys.elementCounts(processDefinitionKey, elementIds),
    enabled: Boolean(processDefinitionKey) && elementIds.length > 0,
    queryFn: async () => {
      const { items } = await getProcessDefinitionStatistics(processDefinitionKey, { state: 'ACTIVE' });
      const shown = new Set(elementIds);
      return Object.fromEntries(
        items
          .filter((element) => shown.has(element.elementId) && element.active + element.incidents > 0)
          .map((element) => [element.elementId, element.active + element.incidents]),
      );
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
