import { z } from 'zod';
import { json, jsonApi, parseBody, pathParameter } from '#commons/http.ts';
import { now, services } from '#commons/services.ts';
import { InvalidArgumentError } from '#domain/errors.ts';
import { cancelInstance } from '#domain/instance/cancel-instance.ts';
import { isKey } from '#domain/keys.ts';

// Camunda accepts an optional operationReference to correlate the command; nothing here reads it back.
const body = z.object({ operationReference: z.number().int().optional() }).strict();

/** POST /v2/process-instances/{processInstanceKey}/cancellation: cancel one instance (204). */
export const handler = jsonApi(async (event) => {
  const key = pathParameter(event, 'processInstanceKey');
  if (!isKey(key))
    throw new InvalidArgumentError(`processInstanceKey must be a key (a string of digits), got '${key}'`);
  parseBody(body, event.body);
  await cancelInstance({ instances: services().instances, now }, key);
  return json(204);
});
