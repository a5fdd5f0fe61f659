import { requireReadable } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { toProcessInstanceResult } from '#wire/process-instance-result.ts';

/** GET /v2/process-instances/{processInstanceKey} */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processInstanceKey');
  const instance = requireReadable(
    event,
    'READ_PROCESS_INSTANCE',
    await services().instances.getInstance(key),
    `Process instance with key '${key}' not found`,
  );
  return json(200, toProcessInstanceResult(instance));
});
