import { requireCommandInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { knownKeyParameter } from '#commons/key-parameter.ts';
import { engineDeps, services } from '#commons/services.ts';
import { applyStepToInstance } from '#domain/instance/instance-operation.ts';
import { deleteProcessInstance } from '#domain/operations/delete-process-instance.ts';
import { commandRequestSchema } from '#wire/command-requests.ts';

/**
 * POST /v2/process-instances/{processInstanceKey}/deletion (204, Camunda 8.9): deletes one finished
 * instance and its history by the DELETE_PROCESS_INSTANCE batch's own rule (409 for a running one,
 * 404 for an unknown instance of any key shape).
 */
export const handler = jsonApi(async (event) => {
  const key = knownKeyParameter(event, 'processInstanceKey', 'Process instance');
  parseBody(commandRequestSchema, event.body);
  await requireCommandInScope(event, deleteProcessInstance.itemPermission, () =>
    services().instances.getInstance(key),
  );
  await applyStepToInstance(engineDeps(), deleteProcessInstance, key, {});
  return json(204);
});
