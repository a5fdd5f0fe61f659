import { json, jsonApi } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { services } from '#commons/services.ts';
import { NotFoundError } from '#domain/errors.ts';

/**
 * GET /v2/extensions/batch-operations/{batchOperationKey}/audit-log: every lifecycle action on the
 * batch (create, suspend, resume, cancel, retry), oldest first: who, when, what.
 */
export const handler = jsonApi(async (event) => {
  const key = batchKeyParameter(event);
  const { batches, audit } = services();
  if (!(await batches.getBatch(key))) throw new NotFoundError(`Batch operation with key '${key}' not found`);
  return json(200, { items: await audit.entriesOf(key) });
});
