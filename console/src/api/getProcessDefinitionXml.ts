import { send } from './http.ts';

/**
 * GET /v2/process-definitions/{processDefinitionKey}/xml (Camunda 8's route for a definition's BPMN).
 * A 404 there (a deployment elsewhere without it) means "no diagram": the wizard falls back to the
 * element ids (or a BPMN file the operator opens).
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
