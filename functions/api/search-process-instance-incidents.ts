import { scopeOf } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { readableByKey } from '#commons/key-parameter.ts';
import { incidentSearchSchema } from '#domain/incident/search-incidents.ts';

/**
 * POST /v2/process-instances/{processInstanceKey}/incidents/search: the instance's incidents, sorted
 * and paged as the request asks. As in Camunda, the instance decides which incidents: a filter in
 * the body is accepted and not applied.
 */
export const handler = jsonApi(async (event) => {
  const engine = reads(event);
  const instance = await readableByKey(
    event,
    'processInstanceKey',
    'Process instance',
    'READ_PROCESS_INSTANCE',
    (key) => engine.getProcessInstance(key),
  );
  const { sort, page } = parseBody(incidentSearchSchema, event.body);
  return json(
    200,
    await engine.searchIncidents(
      { filter: { processInstanceKey: instance.processInstanceKey }, sort, page },
      scopeOf(event, 'READ_PROCESS_INSTANCE'),
    ),
  );
});
