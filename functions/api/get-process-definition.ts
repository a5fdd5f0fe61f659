import { requireReadable } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi } from '#commons/http.ts';
import { engineKeyParameter } from '#commons/key-parameter.ts';

/** GET /v2/process-definitions/{processDefinitionKey} */
export const handler = jsonApi(async (event) => {
  const key = engineKeyParameter(event, 'processDefinitionKey');
  const definition = requireReadable(
    event,
    'READ_PROCESS_DEFINITION',
    await reads(event).getProcessDefinition(key),
    `Process definition with key '${key}' not found`,
  );
  return json(200, definition);
});
