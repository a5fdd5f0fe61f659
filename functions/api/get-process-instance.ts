import { requireReadable } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi } from '#commons/http.ts';
import { engineKeyParameter } from '#commons/key-parameter.ts';

/** GET /v2/process-instances/{processInstanceKey} */
export const handler = jsonApi(async (event) => {
  const key = engineKeyParameter(event, 'processInstanceKey');
  const instance = requireReadable(
    event,
    'READ_PROCESS_INSTANCE',
    await reads(event).getProcessInstance(key),
    `Process instance with key '${key}' not found`,
  );
  return json(200, instance);
});
