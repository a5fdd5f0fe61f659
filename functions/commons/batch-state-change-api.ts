import type { BatchAuditAction } from '#domain/batch/batch-audit.ts';
import type { BatchLifecycleCommand } from '#domain/batch/batch-operation.ts';
import { type BatchStateChange, changeBatchState } from '#domain/controls/change-batch-state.ts';
import { callerContext } from './authorization.ts';
import { json, jsonApi } from './http.ts';
import { batchKeyParameter } from './key-parameter.ts';
import { logger } from './logger.ts';
import { services } from './services.ts';

const AUDIT_ACTIONS: Record<BatchLifecycleCommand, BatchAuditAction> = {
  suspend: 'SUSPEND',
  resume: 'RESUME',
  cancel: 'CANCEL',
};

/**
 * POST /v2/batch-operations/{batchOperationKey}/{suspension|resumption|cancellation}: 204 once the
 * command is recorded (a cancellation or suspension takes effect when the work in flight has drained); 404 for an unknown key; 409 INVALID_STATE when the change makes no sense.
 */
export function batchStateChangeApi(change: BatchStateChange) {
  return jsonApi(async (event) => {
    const key = batchKeyParameter(event);
    const { batches, workflow, audit } = services();
    const changed = await changeBatchState({ batches, workflow, now: () => new Date() }, change, key);
    const { caller } = callerContext(event);
    await audit.record({
      batchOperationKey: key,
      action: AUDIT_ACTIONS[change.verb],
      actorType: caller.actorType,
      actorId: caller.actorId,
      timestamp: new Date().toISOString(),
    });
    // A final state is counted by the completion step, once the batch has drained.
    logger.info(`Batch ${change.verb} requested`, { batchOperationKey: key, to: changed.state });
    return json(204);
  });
}
