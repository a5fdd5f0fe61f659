import { send } from './http.ts';

/**
 * GET /v2/process-definitions/{processDefinitionKey}/xml (Camunda 8's route for a definition's BPMN).
 * This service does not serve it yet: a 404 there means "no diagram", and the wizard falls back to
 * the element ids (or a BPMN file the operator opens).
 */
export async function getProcessDefinitionXml(processDefinitionKey: string): Promise<string> {
  const response = await send(
    'GET',
    `/v2/process-definitions/${encodeURIComponent(processDefinitionKey)}/xml`,
    undefined,
    'text/xml',
  );
  return response.text();
}
