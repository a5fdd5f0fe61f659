import { callerContext } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { logger } from '#commons/logger.ts';
import { now, services } from '#commons/services.ts';
import { liveControlsSchema } from '#domain/batch/batch-operation.ts';
import { changeLiveControls } from '#domain/controls/change-live-controls.ts';

/**
 * PATCH /v2/extensions/batch-operations/{batchOperationKey}: changes `itemsPerSecond`, `priority` or
 * `failureThreshold` of a batch that has not ended, without suspending it; 200 with the changes, in
 * the batch's audit log. 404 for an unknown key, 409 once it has ended.
 */
export const handler = jsonApi(async (event) => {
  const key = batchKeyParameter(event);
  const requested = parseBody(liveControlsSchema.strict(), event.body);
  const { batches, audit, config } = services();
  const changes = await changeLiveControls({ batches, chunkSize: config.CHUNK_SIZE }, key, requested);
  const { caller } = callerContext(event);
  await audit.record({
    batchOperationKey: key,
    action: 'UPDATE',
    actorType: caller.actorType,
    actorId: caller.actorId,
    timestamp: now().toISOString(),
    changes,
  });
  logger.info('Batch controls changed', { batchOperationKey: key, changes });
  return json(200, { batchOperationKey: key, ...changes });
});
