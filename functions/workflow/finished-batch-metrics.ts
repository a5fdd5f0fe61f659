import { logger } from '#commons/logger.ts';
import { MetricName, recordMetrics } from '#commons/metrics.ts';

/** Logs and counts a batch that reached its final state (once: a repeated step changes nothing). */
export function reportFinishedBatch(result: {
  batchOperationType: string;
  state: string;
  finished: boolean;
  durationMs: number;
}): void {
  if (!result.finished) return;
  logger.info('Batch finished', { state: result.state, durationMs: result.durationMs });
  recordMetrics({ OperationType: result.batchOperationType, FinalState: result.state }, [
    { name: MetricName.BatchesFinished, unit: 'Count', value: 1 },
  ]);
  recordMetrics({ OperationType: result.batchOperationType }, [
    { name: MetricName.BatchDuration, unit: 'Milliseconds', value: result.durationMs },
  ]);
}
