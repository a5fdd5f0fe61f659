import { json, jsonApi, pathParameter } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { InvalidArgumentError, NotFoundError } from '#domain/errors.ts';
import { isKey } from '#domain/keys.ts';
import { toProcessInstanceResult } from '#wire/process-instance-result.ts';

/** GET /v2/process-instances/{processInstanceKey} */
export const handler = jsonApi(async (event) => {
  const key = pathParameter(event, 'processInstanceKey');
  if (!isKey(key))
    throw new InvalidArgumentError(`processInstanceKey must be a key (a string of digits), got '${key}'`);
  const instance = await services().instances.getInstance(key);
  if (!instance) throw new NotFoundError(`Process instance with key '${key}' not found`);
  return json(200, toProcessInstanceResult(instance));
});
