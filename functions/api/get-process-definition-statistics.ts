import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { readableByKey } from '#commons/key-parameter.ts';
import { definitionStatisticsSchema } from '#domain/instance/element-statistics.ts';

/**
 * POST /v2/process-definitions/{processDefinitionKey}/statistics/element-instances: counts per element
 * over the definition's instances that match the filter. The caller must read the definition's
 * instances (404 otherwise, as an unknown key); they all share its id and tenant.
 */
export const handler = jsonApi(async (event) => {
  const engine = reads(event);
  const definition = await readableByKey(
    event,
    'processDefinitionKey',
    'Process definition',
    'READ_PROCESS_INSTANCE',
    (key) => engine.getProcessDefinition(key),
  );
  const { filter } = parseBody(definitionStatisticsSchema, event.body);
  return json(200, await engine.processDefinitionElementStatistics(definition.processDefinitionKey, filter));
});
