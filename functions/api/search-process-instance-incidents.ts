import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { readableInstance } from '#commons/instance-read.ts';
import { services } from '#commons/services.ts';
import { incidentSearchSchema, searchIncidents } from '#domain/incident/search-incidents.ts';

/**
 * POST /v2/process-instances/{processInstanceKey}/incidents/search: the instance's incidents, sorted
 * and paged as the request asks. As in Camunda, the instance decides which incidents: a filter in
 * the body is accepted and not applied.
 */
export const handler = jsonApi(async (event) => {
  const instance = await readableInstance(event);
  const { sort, page } = parseBody(incidentSearchSchema, event.body);
  return json(
    200,
    await searchIncidents(
      services().engineStore,
      { filter: { processInstanceKey: instance.processInstanceKey }, sort, page },
      visibleTo(event, 'READ_PROCESS_INSTANCE'),
    ),
  );
});
