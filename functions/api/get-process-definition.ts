import { requireReadable } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { toProcessDefinitionResult } from '#domain/instance/search-process-definitions.ts';

/** GET /v2/process-definitions/{processDefinitionKey} */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processDefinitionKey');
  const definition = requireReadable(
    event,
    'READ_PROCESS_DEFINITION',
    await services().definitions.getDefinition(key),
    `Process definition with key '${key}' not found`,
  );
  return json(200, toProcessDefinitionResult(definition));
});
