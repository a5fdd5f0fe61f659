import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, pathParameter } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { NotFoundError } from '#domain/errors.ts';
import { parseVariableKey, variableOf } from '#domain/instance/variables.ts';

/**
 * GET /v2/variables/{variableKey}: the variable with its full value; 404 for a key of any shape that
 * names none or one outside the caller's READ_PROCESS_INSTANCE (what it may not read does not exist for it).
 */
export const handler = jsonApi(async (event) => {
  const key = pathParameter(event, 'variableKey');
  const named = parseVariableKey(key);
  const instance = named && (await services().instances.getInstance(named.processInstanceKey));
  const variable = instance && variableOf(instance, key);
  if (!instance || !variable || !visibleTo(event, 'READ_PROCESS_INSTANCE')(instance))
    throw new NotFoundError(`Variable with key '${key}' not found`);
  return json(200, variable);
});
