import { z } from 'zod';
import { applyToInstance } from '#domain/instance/instance-operation.ts';
import type { WriteOperation } from '#domain/operations/operation-handler.ts';
import { json, jsonApi, parseBody } from './http.ts';
import { keyParameter } from './key-parameter.ts';
import { now, services } from './services.ts';

// Camunda accepts an optional operationReference to correlate the command; nothing here reads it back.
const commandBodySchema = z.object({ operationReference: z.number().int().optional() }).strict();

/**
 * The handler of a single-instance command (`POST /v2/process-instances/{processInstanceKey}/<command>`:
 * cancellation, suspension, resumption): the batch operation's own rule applied to one instance,
 * 204, or 404/409 with the operation's message.
 */
export function instanceCommandApi(operation: WriteOperation) {
  return jsonApi(async (event) => {
    const key = keyParameter(event, 'processInstanceKey');
    parseBody(commandBodySchema, event.body);
    await applyToInstance({ instances: services().instances, now }, operation, key);
    return json(204);
  });
}
