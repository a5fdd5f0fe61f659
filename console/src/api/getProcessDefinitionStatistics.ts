import { requestJson } from './http.ts';

/** Camunda's ProcessElementStatisticsResult: element instances of one element by state. */
export interface ElementStatistics {
  elementId: string;
  active: number;
  canceled: number;
  incidents: number;
  completed: number;
}

/** POST /v2/process-definitions/{processDefinitionKey}/statistics/element-instances */
export const getProcessDefinitionStatistics = (
  processDefinitionKey: string,
  filter: Record<string, unknown>,
) =>
  requestJson<{ items: ElementStatistics[] }>(
    'POST',
    `/v2/process-definitions/${encodeURIComponent(processDefinitionKey)}/statistics/element-instances`,
    { filter },
  );
