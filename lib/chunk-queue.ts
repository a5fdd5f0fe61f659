import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CHUNK_MAX_RECEIVE_COUNT,
  CHUNK_VISIBILITY_TIMEOUT_SECONDS,
  DLQ_RETENTION_DAYS,
  WORKER_BATCH_SIZE,
  WORKER_MEMORY_MB,
  WORKER_TIMEOUT_SECONDS,
} from '#resources/chunk-queue-settings.ts';
import { tableSchemas } from '#resources/table-schema.ts';
import { ServiceFunction } from './service-function.ts';
import type { TableName } from './tables.ts';

export interface ChunkQueueProps {
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly environment: Record<string, string>;
  /** Worker invocations the queue may run at once (the event source's maximum concurrency). */
  readonly workerMaxConcurrency: number;
}

/**
 * The worker's concurrency cap for a shard count: a FIFO queue runs one invocation per message group
 * (batch × shard) in flight, so one batch needs `shards` workers at full speed; twice that lets two
 * batches run side by side. More would only throttle on the instance table's write rate (about 5,000
 * items/s per worker at chunks of 1,000: 8 workers reach a warm table's 40,000 WRU/s). Lambda's SQS
 * event sources take 2 to 1,000 (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
 */
export function workerMaxConcurrency(shardCount: number): number {
  return Math.min(1000, Math.max(2, 2 * shardCount));
}

/**
 * The execution phase's transport: a FIFO queue of chunk addresses (one message group per batch
 * and shard), its dead-letter queue, and the worker fed by it with partial batch responses.
 */
export class ChunkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: ServiceFunction;
  /** Accounts for chunks that reached the dead-letter queue, so no item is silently lost. */
  readonly deadChunkAccounting: ServiceFunction;

  constructor(scope: Construct, id: string, { tables, environment, workerMaxConcurrency }: ChunkQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      // It feeds the dead-chunk accounting: at least the function timeout, as for the chunk queue.
      visibilityTimeout: Duration.seconds(CHUNK_VISIBILITY_TIMEOUT_SECONDS),
      retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      // Messages carry the chunk address as explicit deduplication id.
      contentBasedDeduplication: false,
      // High-throughput FIFO: deduplication and throughput limits per message group (= batch shard).
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(CHUNK_VISIBILITY_TIMEOUT_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: CHUNK_MAX_RECEIVE_COUNT },
    });
    this.worker = new ServiceFunction(this, 'Worker', {
      entry: 'functions/worker/execute-chunk.ts',
      environment,
      timeout: Duration.seconds(WORKER_TIMEOUT_SECONDS),
      memorySize: WORKER_MEMORY_MB,
    })
      .bindTable(tableSchemas.batches, tables.batches, 'readWrite')
      .bindTable(tableSchemas.batchItems, tables.batchItems, 'readWrite')
      .bindTable(tableSchemas.processInstances, tables.processInstances, 'readWrite')
      // Operations that are engine steps: jobs and incidents change with the instance; a
      // modification's, migration's or restart's token flow reads the definition and takes new keys.
      .bindTable(tableSchemas.jobs, tables.jobs, 'readWrite')
      .bindTable(tableSchemas.incidents, tables.incidents, 'readWrite')
      .bindTable(tableSchemas.processDefinitions, tables.processDefinitions, 'read')
      .bindTable(tableSchemas.keySequences, tables.keySequences, 'readWrite');
    this.deadChunkAccounting = new ServiceFunction(this, 'DeadChunkAccounting', {
      entry: 'functions/worker/account-dead-chunk.ts',
      environment,
      timeout: Duration.seconds(WORKER_TIMEOUT_SECONDS),
    })
      .bindTable(tableSchemas.batches, tables.batches, 'readWrite')
      .bindTable(tableSchemas.batchItems, tables.batchItems, 'readWrite')
      .bindTable(tableSchemas.processInstances, tables.processInstances, 'read');
    this.deadChunkAccounting.function.addEventSource(
      new SqsEventSource(this.deadLetterQueue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
      }),
    );
    this.worker.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: workerMaxConcurrency,
      }),
    );
  }
}
