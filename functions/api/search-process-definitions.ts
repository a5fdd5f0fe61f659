import { scopeOf } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { processDefinitionSearchSchema } from '#domain/instance/search-process-definitions.ts';

/** POST /v2/process-definitions/search */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await reads(event).searchProcessDefinitions(
      parseBody(processDefinitionSearchSchema, event.body),
      scopeOf(event, 'READ_PROCESS_DEFINITION'),
    ),
  ),
);
