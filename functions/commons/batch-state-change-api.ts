import { type BatchStateChange, changeBatchState } from '#domain/controls/change-batch-state.ts';
import { json, jsonApi } from './http.ts';
import { keyParameter } from './key-parameter.ts';
import { logger } from './logger.ts';
import { MetricName, recordMetrics } from './metrics.ts';
import { services } from './services.ts';

/**
 * POST /v2/batch-operations/{batchOperationKey}/{suspension|resumption|cancellation}: 204 once the
 * batch changed state; 404 for an unknown key; 409 INVALID_STATE when the change makes no sense.
 */
export function batchStateChangeApi(change: BatchStateChange) {
  return jsonApi(async (event) => {
    const key = keyParameter(event, 'batchOperationKey');
    const { batches, workflow } = services();
    const changed = await changeBatchState({ batches, workflow, now: () => new Date() }, change, key);
    logger.info(`Batch ${change.verb}: now ${changed.state}`, { batchOperationKey: key });
    if (change.ends) {
      recordMetrics({ OperationType: changed.batchOperationType, FinalState: changed.state }, [
        { name: MetricName.BatchesFinished, unit: 'Count', value: 1 },
      ]);
    }
    return json(204);
  });
}
