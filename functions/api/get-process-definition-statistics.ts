import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { readableByKey } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { definitionStatisticsSchema, ElementCounter } from '#domain/instance/element-statistics.ts';
import { forEachMatchingInstance } from '#domain/instance/search-process-instances.ts';

/**
 * POST /v2/process-definitions/{processDefinitionKey}/statistics/element-instances: counts per element
 * over the definition's instances that match the filter and that the caller may read.
 */
export const handler = jsonApi(async (event) => {
  const { definitions, instances, config } = services();
  const definition = await readableByKey(
    event,
    'processDefinitionKey',
    'Process definition',
    'READ_PROCESS_INSTANCE',
    (key) => definitions.getDefinition(key),
  );
  const { filter } = parseBody(definitionStatisticsSchema, event.body);
  const counter = new ElementCounter();
  await forEachMatchingInstance(
    instances,
    config.SHARD_COUNT,
    { ...filter, processDefinitionKey: definition.processDefinitionKey },
    visibleTo(event, 'READ_PROCESS_INSTANCE'),
    (instance) => counter.add(instance),
  );
  return json(200, counter.result());
});
