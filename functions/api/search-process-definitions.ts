import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import {
  processDefinitionSearchSchema,
  searchProcessDefinitions,
} from '#domain/instance/search-process-definitions.ts';

/** POST /v2/process-definitions/search */
export const handler = jsonApi(async (event) =>
  json(
    200,
    await searchProcessDefinitions(
      services().definitions,
      parseBody(processDefinitionSearchSchema, event.body),
      visibleTo(event, 'READ_PROCESS_DEFINITION'),
    ),
  ),
);
