import { visibleTo } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, pathParameter } from '#commons/http.ts';
import { NotFoundError } from '#domain/errors.ts';

/**
 * GET /v2/variables/{variableKey}: the variable with its full value; 404 for a key of any shape that
 * names none or one outside the caller's READ_PROCESS_INSTANCE (what it may not read does not exist
 * for it). A variable carries no process definition: its instance's tells whether the caller may read it.
 */
export const handler = jsonApi(async (event) => {
  const engine = reads(event);
  const key = pathParameter(event, 'variableKey');
  const variable = await engine.getVariable(key);
  const instance = variable && (await engine.getProcessInstance(variable.processInstanceKey));
  if (!variable || !instance || !visibleTo(event, 'READ_PROCESS_INSTANCE')(instance))
    throw new NotFoundError(`Variable with key '${key}' not found`);
  return json(200, variable);
});
