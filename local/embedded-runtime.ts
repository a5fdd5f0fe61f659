import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SQS_CLIENT_CONFIG, withClientPlugins } from '#commons/clients.ts';
import { readConfig } from '#commons/config.ts';
import { setMetricsSink } from '#commons/metrics.ts';
import { apiRoutes } from '#resources/api-routes.ts';
import {
  CHUNK_DLQ_NAME,
  CHUNK_MAX_RECEIVE_COUNT,
  CHUNK_QUEUE_NAME,
  CHUNK_VISIBILITY_TIMEOUT_SECONDS,
  WORKER_BATCH_SIZE,
  WORKER_TIMEOUT_SECONDS,
} from '#resources/chunk-queue-settings.ts';
import { RECOVERY_SWEEP_MINUTES } from '#resources/recovery-sweep.ts';
import { consoleAssets } from './console-assets.ts';
import { createTables, startDynamoDbLocal } from './dynamodb-local.ts';
import { pointSdkAt } from './emulator-process.ts';
import { createHttpApi } from './http-api.ts';
import { invoke, loadHandler } from './lambda-runtime.ts';
import { MetricsRegistry } from './metrics-registry.ts';
import { startQueuePoller } from './queue-poller.ts';
import { startSqsEmulator } from './sqs-emulator.ts';
import {
  closeServer,
  LOCAL_STATE_MACHINE_ARN,
  type StepFunctionsEmulator,
  type StepFunctionsEmulatorOptions,
  startStepFunctionsEmulator,
} from './step-functions-emulator.ts';

export interface EmbeddedRuntimeOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /**
   * The state machine to run, as the CDK app synthesizes it (lib/synthesize.ts): the runtime is handed
   * the definition rather than building the stack itself, so nothing here depends on the CDK code.
   */
  stateMachineDefinition: Record<string, unknown>;
  /** Where DynamoDB Local keeps its data; a fresh temporary directory when absent. */
  dataDir?: string;
  /** Configuration overrides (SHARD_COUNT, CHUNK_SIZE, ...), as environment variables. */
  config?: Record<string, string>;
  /** The execution phase's poll interval (the definition's Wait state), shortened here. */
  pollIntervalMs?: number;
  /** How soon a failed chunk is retried here (on AWS: the queue's visibility timeout). */
  retryDelaySeconds?: number;
  /** Every state-machine event as it happens (the benchmark's phase times and transitions). */
  onStateMachineEvent?: StepFunctionsEmulatorOptions['onEvent'];
}

export interface EmbeddedRuntime {
  readonly url: string;
  readonly dataDir: string;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly metrics: MetricsRegistry;
  stop(): Promise<void>;
}

/**
 * The whole service on one machine: DynamoDB Local and the fauxqs SQS emulator as child processes,
 * a Step Functions endpoint running the CDK-synthesized state machine, a queue poller standing in
 * for the worker's event source mapping, and the API handlers over HTTP. Everything talks through
 * the real AWS SDK clients on loopback; nothing here holds business rules.
 */
export async function startEmbeddedRuntime(options: EmbeddedRuntimeOptions): Promise<EmbeddedRuntime> {
  Object.assign(process.env, options.config ?? {});
  const config = readConfig(); // refuses to start on an invalid configuration
  const metrics = new MetricsRegistry();
  setMetricsSink((document) => metrics.record(document));
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'batch-operations-'));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const [dynamo, sqsEmulator] = await Promise.all([
      startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') }),
      startSqsEmulator(),
    ]);
    stops.push(dynamo.stop, sqsEmulator.stop);
    pointSdkAt({ dynamodb: dynamo.endpoint, sqs: sqsEmulator.endpoint });

    const dynamoClient = new DynamoDBClient({});
    await createTables(dynamoClient, process.env as Record<string, string>);
    dynamoClient.destroy();
    // Stands in for Lambda's event source mapping, whose SQS requests are billed too: plugins count them.
    const sqs = withClientPlugins(new SQSClient(SQS_CLIENT_CONFIG));
    const queue = await createChunkQueues(sqs);
    process.env.CHUNK_QUEUE_URL = queue.url;
    process.env.STATE_MACHINE_ARN = LOCAL_STATE_MACHINE_ARN;

    const stepFunctions = await startStepFunctionsEmulator({
      definition: options.stateMachineDefinition,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      onEvent: options.onStateMachineEvent,
    });
    stops.push(stepFunctions.stop);
    pointSdkAt({ sfn: stepFunctions.endpoint });

    const poller = startQueuePoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: await loadHandler('functions/worker/execute-chunk.ts'),
      functionName: 'Worker',
      batchSize: WORKER_BATCH_SIZE,
      concurrency: config.SHARD_COUNT,
      retryDelaySeconds: options.retryDelaySeconds ?? 1,
      timeoutMs: WORKER_TIMEOUT_SECONDS * 1000,
    });
    const deadChunkPoller = startQueuePoller({
      sqs,
      queueUrl: queue.deadLetterUrl,
      queueArn: queue.deadLetterArn,
      handler: await loadHandler('functions/worker/account-dead-chunk.ts'),
      functionName: 'DeadChunkAccounting',
      batchSize: WORKER_BATCH_SIZE,
      concurrency: 1,
      retryDelaySeconds: options.retryDelaySeconds ?? 1,
      timeoutMs: WORKER_TIMEOUT_SECONDS * 1000,
    });
    stops.push(async () => {
      await Promise.all([poller.stop(), deadChunkPoller.stop()]);
      sqs.destroy();
    });

    // As the scheduled sweep does on AWS: batches whose execution died with an earlier run go on.
    const recoverBatches = await loadHandler('functions/workflow/recover-batches.ts');
    const sweep = () => invoke(recoverBatches, {}, 'RecoverBatches', 5 * 60_000);
    await sweep();
    const sweeps = setInterval(() => void sweep().catch(() => undefined), RECOVERY_SWEEP_MINUTES * 60_000);
    stops.push(async () => clearInterval(sweeps));

    const handlers = await Promise.all(
      apiRoutes.map(async (route) => ({ route, handler: await loadHandler(route.entry) })),
    );
    const server = createHttpApi(handlers, {
      metricsText: () => metrics.prometheusText(),
      staticFiles: consoleAssets(),
    });
    await listen(server, options.port);
    stops.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, dataDir, stepFunctions, metrics, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function createChunkQueues(
  sqs: SQSClient,
): Promise<{ url: string; arn: string; deadLetterUrl: string; deadLetterArn: string }> {
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: CHUNK_DLQ_NAME, Attributes: fifo }));
  const dlqArn = await queueArn(sqs, dlq.QueueUrl as string);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: CHUNK_QUEUE_NAME,
      Attributes: {
        ...fifo,
        VisibilityTimeout: String(CHUNK_VISIBILITY_TIMEOUT_SECONDS),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: CHUNK_MAX_RECEIVE_COUNT,
        }),
      },
    }),
  );
  return {
    url: queue.QueueUrl as string,
    arn: await queueArn(sqs, queue.QueueUrl as string),
    deadLetterUrl: dlq.QueueUrl as string,
    deadLetterArn: dlqArn,
  };
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn as string;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
