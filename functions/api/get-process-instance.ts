import { requireInScope } from '#commons/authorization.ts';
import { json, jsonApi } from '#commons/http.ts';
import { keyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { NotFoundError } from '#domain/errors.ts';
import { toProcessInstanceResult } from '#wire/process-instance-result.ts';

/** GET /v2/process-instances/{processInstanceKey} */
export const handler = jsonApi(async (event) => {
  const key = keyParameter(event, 'processInstanceKey');
  const instance = await services().instances.getInstance(key);
  if (!instance) throw new NotFoundError(`Process instance with key '${key}' not found`);
  requireInScope(event, 'READ_PROCESS_INSTANCE', instance);
  return json(200, toProcessInstanceResult(instance));
});
