import { scopeOf } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { processInstanceSearchSchema } from '#domain/instance/search-process-instances.ts';

/** POST /v2/process-instances/search */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await reads(event).searchProcessInstances(
      parseBody(processInstanceSearchSchema, event.body),
      scopeOf(event, 'READ_PROCESS_INSTANCE'),
    ),
  ),
);
