import { z } from 'zod';
import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { now, services } from '#commons/services.ts';
import { startProcessInstance } from '#domain/instance/start-process-instance.ts';
import { checkVariablesSize } from '#domain/limits.ts';
import { variablesSchema } from '#wire/variables.ts';

const body = z
  .object({
    processDefinitionKey: z.string().regex(/^\d+$/, 'must be a key (a string of digits)').optional(),
    processDefinitionId: z.string().min(1).optional(),
    processDefinitionVersion: z.number().int().optional(),
    tenantId: z.string().min(1).optional(),
    variables: variablesSchema().optional(),
    startInstructions: z.array(z.object({ elementId: z.string().min(1) }).strict()).optional(),
    tags: z.array(z.string()).optional(),
    operationReference: z.number().int().optional(),
  })
  .strict();

/** POST /v2/process-instances */
export const handler = jsonApi(async (event) => {
  const { definitions, engineStore: engine, keys } = services();
  const request = parseBody(body, event.body);
  checkVariablesSize(request.variables);
  return json(
    200,
    await startProcessInstance({ definitions, engine, keys, now }, request, (definition) =>
      requireInScope(event, 'CREATE_PROCESS_INSTANCE', definition),
    ),
  );
});
