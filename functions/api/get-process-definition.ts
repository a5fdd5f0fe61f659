import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { NotFoundError } from '#domain/errors.ts';
import { toProcessDefinitionResult } from '#domain/instance/search-process-definitions.ts';

/** GET /v2/process-definitions/{processDefinitionKey} */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processDefinitionKey');
  const definition = await services().definitions.getDefinition(key);
  if (!definition) throw new NotFoundError(`Process definition with key '${key}' not found`);
  requireInScope(event, 'READ_PROCESS_DEFINITION', definition);
  return json(200, toProcessDefinitionResult(definition));
});
