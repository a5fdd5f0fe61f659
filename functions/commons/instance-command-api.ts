import { applyToInstance } from '#domain/instance/instance-operation.ts';
import type { WriteOperation } from '#domain/operations/operation-handler.ts';
import { commandRequestSchema } from '#wire/command-requests.ts';
import { requireCommandInScope } from './authorization.ts';
import { json, jsonApi, parseBody } from './http.ts';
import { keyParameter } from './key-parameter.ts';
import { now, services } from './services.ts';

/**
 * The handler of a single-instance command (`POST /v2/process-instances/{processInstanceKey}/<command>`:
 * cancellation, suspension, resumption): the batch operation's own rule applied to one instance,
 * 204, or 404/409 with the operation's message; 403 when the caller lacks the operation's permission
 * on the instance's process definition.
 */
export function instanceCommandApi(operation: WriteOperation) {
  return jsonApi(async (event) => {
    const key = keyParameter(event, 'processInstanceKey');
    parseBody(commandRequestSchema, event.body);
    await requireCommandInScope(event, operation.itemPermission, () => services().instances.getInstance(key));
    await applyToInstance({ instances: services().instances, now }, operation, key);
    return json(204);
  });
}
