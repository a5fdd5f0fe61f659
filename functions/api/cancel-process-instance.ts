import { z } from 'zod';
import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { now, services } from '#commons/services.ts';
import { cancelInstance } from '#domain/instance/cancel-instance.ts';

// Camunda accepts an optional operationReference to correlate the command; nothing here reads it back.
const body = z.object({ operationReference: z.number().int().optional() }).strict();

/** POST /v2/process-instances/{processInstanceKey}/cancellation: cancel one instance (204). */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processInstanceKey');
  parseBody(body, event.body);
  requireInScope(event, 'CANCEL_PROCESS_INSTANCE', await services().instances.getInstance(key));
  await cancelInstance({ instances: services().instances, now }, key);
  return json(204);
});
