import { requireReadable } from '#commons/authorization.ts';
import { jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';

/** GET /v2/process-definitions/{processDefinitionKey}/xml: the BPMN as deployed (text/xml, as Camunda 8 sends it). */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processDefinitionKey');
  const definition = requireReadable(
    event,
    'READ_PROCESS_DEFINITION',
    await services().definitions.getDefinition(key),
    `Process definition with key '${key}' not found`,
  );
  return { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: definition.bpmnXml };
});
