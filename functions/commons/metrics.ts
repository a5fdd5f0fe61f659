import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of the service's own metrics (alarms and the dashboard read them here). */
export const METRICS_NAMESPACE = 'BatchOperations';
export const SERVICE_NAME = 'batch-operations';

/** The service's metrics; dimensions stay low-cardinality (operation type, final state, error class: never a key). */
export const MetricName = {
  BatchesCreated: 'BatchesCreated',
  BatchesFinished: 'BatchesFinished',
  BatchDuration: 'BatchDuration',
  InitializationDuration: 'InitializationDuration',
  ItemsFound: 'ItemsFound',
  ShardsFailed: 'ShardsFailed',
  QueryRetries: 'QueryRetries',
  ItemsProcessed: 'ItemsProcessed',
  ItemsFailed: 'ItemsFailed',
  ChunkDuration: 'ChunkDuration',
  DuplicateChunkDeliveries: 'DuplicateChunkDeliveries',
  DeadLetteredChunks: 'DeadLetteredChunks',
  DeadLetteredItems: 'DeadLetteredItems',
  StalledBatches: 'StalledBatches',
  RecoveredBatches: 'RecoveredBatches',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export interface MetricRecord {
  name: MetricName;
  unit: 'Count' | 'Milliseconds';
  value: number;
}

/** An Embedded Metric Format document, as Powertools serializes it. */
export type EmfDocument = ReturnType<Metrics['serializeMetrics']>;

/**
 * Where EMF documents go: stdout in Lambda (CloudWatch extracts them; Powertools' own switch
 * POWERTOOLS_METRICS_DISABLED turns that off), a local registry when embedded.
 */
let sink: (document: EmfDocument) => void = (document) => {
  if (process.env.POWERTOOLS_METRICS_DISABLED !== 'true')
    process.stdout.write(`${JSON.stringify(document)}\n`);
};

export function setMetricsSink(next: (document: EmfDocument) => void): void {
  sink = next;
}

/**
 * Records metrics under one set of dimensions as one EMF document: no PutMetricData call, and a fresh
 * Powertools instance per call so that concurrent invocations (the embedded runtime) never share
 * dimensions.
 */
export function recordMetrics(dimensions: Record<string, string>, records: readonly MetricRecord[]): void {
  if (records.length === 0) return;
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: dimensions,
  });
  for (const record of records) metrics.addMetric(record.name, MetricUnit[record.unit], record.value);
  sink(metrics.serializeMetrics());
}
