import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { applyToInstance } from '#domain/instance/instance-operation.ts';
import { suspendProcessInstance } from '#domain/operations/suspend-process-instance.ts';

/** POST /v2/process-instances/{processInstanceKey}/suspension: suspend one instance (204; 404; 409 naming the rule). */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processInstanceKey');
  requireInScope(event, 'UPDATE_PROCESS_INSTANCE', await services().instances.getInstance(key));
  await applyToInstance(
    { instances: services().instances, now: () => new Date() },
    suspendProcessInstance,
    key,
  );
  return json(204);
});
