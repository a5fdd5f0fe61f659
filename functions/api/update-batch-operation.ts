import { auditCallerAction } from '#commons/audit.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { logger } from '#commons/logger.ts';
import { services } from '#commons/services.ts';
import { liveChangeSchema } from '#domain/batch/batch-operation.ts';
import { changeLiveControls } from '#domain/controls/change-live-controls.ts';

/**
 * PATCH /v2/extensions/batch-operations/{batchOperationKey}: changes `itemsPerSecond`, `priority` or
 * `failureThreshold` of a batch that has not ended, without suspending it; 200 with the changes, in
 * the batch's audit log. 404 for an unknown key, 409 once it has ended.
 */
export const handler = jsonApi(async (event) => {
  const key = batchKeyParameter(event);
  const requested = parseBody(liveChangeSchema, event.body);
  const { batches, config } = services();
  const changes = await changeLiveControls({ batches, chunkSize: config.CHUNK_SIZE }, key, requested);
  await auditCallerAction(event, { batchOperationKey: key, action: 'UPDATE', changes });
  logger.info('Batch controls changed', { batchOperationKey: key, changes });
  return json(200, { batchOperationKey: key, ...changes });
});
