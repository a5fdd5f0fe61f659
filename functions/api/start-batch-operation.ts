import { auditCallerAction } from '#commons/audit.ts';
import { json, jsonApi } from '#commons/http.ts';
import { batchKeyParameter } from '#commons/key-parameter.ts';
import { logger } from '#commons/logger.ts';
import { batchScheduler, services } from '#commons/services.ts';
import { startNow } from '#domain/controls/start-scheduled-batch.ts';

/**
 * POST /v2/extensions/batch-operations/{batchOperationKey}/start: a scheduled batch starts now instead
 * of at its `startAt`; 204, in its audit log. 404 for an unknown key, 409 for a batch not waiting for
 * its time (started, canceled, never scheduled).
 */
export const handler = jsonApi(async (event) => {
  const key = batchKeyParameter(event);
  const { batches, workflow } = services();
  await startNow({ batches, workflow, scheduler: batchScheduler() }, key);
  await auditCallerAction(event, {
    batchOperationKey: key,
    action: 'START',
    reason: 'Started before its scheduled time',
  });
  logger.info('Scheduled batch started now', { batchOperationKey: key });
  return json(204);
});
