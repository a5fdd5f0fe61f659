import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { now, services } from '#commons/services.ts';
import { startProcessInstance } from '#domain/instance/start-process-instance.ts';
import { checkVariablesSize } from '#domain/limits.ts';
import { createProcessInstanceRequestSchema } from '#wire/command-requests.ts';

/** POST /v2/process-instances */
export const handler = jsonApi(async (event) => {
  const { definitions, engineStore: engine, keys } = services();
  const request = parseBody(createProcessInstanceRequestSchema, event.body);
  checkVariablesSize(request.variables);
  return json(
    200,
    await startProcessInstance({ definitions, engine, keys, now }, request, (definition) =>
      requireInScope(event, 'CREATE_PROCESS_INSTANCE', definition),
    ),
  );
});
