import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { moveInstancesToBucketIndexes } from '#adapters/dynamodb/process-instance-store.ts';
import { checkTables } from '#adapters/dynamodb/table-status.ts';
import { SQS_CLIENT_CONFIG, withClientPlugins } from '#commons/clients.ts';
import { readConfig } from '#commons/config.ts';
import { logger } from '#commons/logger.ts';
import { setMetricsSink } from '#commons/metrics.ts';
import { now, setBatchScheduler } from '#commons/services.ts';
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
import { tableSchemas } from '#resources/table-schema.ts';
import { type Authenticator, createAuthenticator } from './authenticator.ts';
import { CallerRateLimit, rateLimitFromEnvironment } from './caller-rate-limit.ts';
import { consoleAssets } from './console-assets.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { createTables, startDynamoDbLocal } from './dynamodb-local.ts';
import { adoptSharedDatabase, emulatorAccessKey } from './emulator-access-key.ts';
import { type Emulator, namespaceCredentials, pointSdkAt } from './emulator-process.ts';
import { FailedAuthentications, failedAuthenticationsFromEnvironment } from './failed-authentications.ts';
import { createHttpApi } from './http-api.ts';
import {
  abandonInvocations,
  acceptInvocations,
  invoke,
  loadHandler,
  settleInvocations,
} from './lambda-runtime.ts';
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
import { TimerScheduler } from './timer-scheduler.ts';

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
  /**
   * Emulators already running, shared with other runtimes (the test suite starts one pair for all its
   * files, rather than a JVM per file): used, never stopped. `namespace` keeps this runtime's data apart:
   * it is the access key (DynamoDB Local started with `databasePerAccessKey` gives each its own
   * database) and the prefix of the queues' names. Not with `dataDir`, which has an emulator of its own.
   */
  sharedEmulators?: SharedEmulators;
}

export interface SharedEmulators {
  readonly dynamodb: string;
  readonly sqs: string;
  /** Letters, digits, `-` and `_` (it prefixes queue names). */
  readonly namespace: string;
}

export interface EmbeddedRuntime {
  readonly url: string;
  readonly dataDir: string;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly metrics: MetricsRegistry;
  /** Who may call: the Basic users and the trusted issuers (the local one mints tokens). */
  readonly authenticator: Authenticator;
  /**
   * Stops in order: first no new work (the HTTP API, the recovery sweep, the workflow executions, the
   * queue pollers); invocations in flight are told their time is up (a worker starts no further item
   * and leaves its chunk pending) and waited for (at most `STOP_GRACE_MS`); then the emulators. Nothing
   * records a failure because the runtime stops: executions are aborted, not failed, and recovery
   * resumes their batches at the next start.
   */
  stop(): Promise<void>;
  /**
   * A forced stop (a second signal): executions aborted and emulators signalled at once, nothing
   * waited for. The lock stays in DATA_DIR with this pid; once the process has exited it is stale.
   */
  kill(): void;
  /** Whether the runtime is up and taking work, with the state of each part (the readiness endpoint). */
  readiness(): Promise<Readiness>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'UP' | 'DOWN'>;
}

/** How long a stop waits for invocations in flight before it stops the emulators under them. */
export const STOP_GRACE_MS = 15_000;

/**
 * The whole service on one machine: DynamoDB Local and the fauxqs SQS emulator as child processes,
 * a Step Functions endpoint running the CDK-synthesized state machine, a queue poller standing in
 * for the worker's event source mapping, and the API handlers over HTTP. Everything talks through
 * the real AWS SDK clients on loopback; nothing here holds business rules.
 */
export async function startEmbeddedRuntime(options: EmbeddedRuntimeOptions): Promise<EmbeddedRuntime> {
  Object.assign(process.env, options.config ?? {});
  const config = readConfig(); // refuses to start on an invalid configuration
  const rateLimit = new CallerRateLimit(rateLimitFromEnvironment(process.env));
  const failedAuthentications = new FailedAuthentications(failedAuthenticationsFromEnvironment(process.env));
  const ownsDataDir = options.dataDir === undefined;
  if (options.sharedEmulators && !ownsDataDir) {
    throw new Error('A runtime on a DATA_DIR starts DynamoDB Local on it: shared emulators cannot be used.');
  }
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'batch-operations-'));
  // One runtime per data directory: refuses at once, before any emulator starts.
  const lock: DataDirLock = lockDataDir(dataDir);
  const metrics = new MetricsRegistry();
  setMetricsSink((document) => metrics.record(document));
  acceptInvocations();
  const parts: {
    emulators: Emulator[];
    stepFunctions?: StepFunctionsEmulator;
    pollers: { stop(): Promise<void>; running(): boolean }[];
    sqs?: SQSClient;
    sweeps?: NodeJS.Timeout;
    scheduler?: TimerScheduler;
    server?: Server;
  } = { emulators: [], pollers: [] };
  let state: 'starting' | 'ready' | 'stopping' | 'stopped' = 'starting';
  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= (async () => {
      state = 'stopping';
      // 1. No new work: the API, the sweep, the executions (aborted: no Catch, no FailBatch), the pollers.
      if (parts.server) await closeServer(parts.server).catch(() => undefined);
      clearInterval(parts.sweeps);
      parts.scheduler?.stop();
      await parts.stepFunctions?.stop().catch(() => undefined);
      abandonInvocations();
      await Promise.all(parts.pollers.map((poller) => poller.stop().catch(() => undefined)));
      // 2. What is still in flight finishes, or is abandoned (recovery resumes it at the next start).
      const left = await settleInvocations(STOP_GRACE_MS);
      if (left > 0) logger.warn('Stopping with invocations still in flight', { invocations: left });
      parts.sqs?.destroy();
      // 3. The emulators, last.
      await Promise.all(parts.emulators.map((emulator) => emulator.stop().catch(() => undefined)));
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      else lock.release();
      state = 'stopped';
    })();
    return stopped;
  };
  try {
    const shared = options.sharedEmulators;
    const endpoints = shared ?? (await startEmulators(parts.emulators, ownsDataDir ? undefined : dataDir));
    // Own emulators: DynamoDB Local keeps this key's database apart from made-up credentials.
    const credentials = namespaceCredentials(shared ? shared.namespace : emulatorAccessKey(dataDir));
    pointSdkAt(endpoints, credentials);

    const dynamoClient = new DynamoDBClient({});
    await createTables(dynamoClient, process.env as Record<string, string>);
    // A DATA_DIR of an older version: its instances move to the shard × bucket index keys.
    if (!ownsDataDir) {
      await moveInstancesToBucketIndexes(
        DynamoDBDocumentClient.from(dynamoClient),
        process.env[tableSchemas.processInstances.envVar] ?? tableSchemas.processInstances.id,
        config.SHARD_COUNT,
      );
    }
    dynamoClient.destroy();
    // Stands in for Lambda's event source mapping, whose SQS requests are billed too: plugins count them.
    const sqs = withClientPlugins(new SQSClient(SQS_CLIENT_CONFIG));
    parts.sqs = sqs;
    const queue = await createChunkQueues(sqs, shared ? `${shared.namespace}-` : '');
    process.env.CHUNK_QUEUE_URL = queue.url;
    process.env.STATE_MACHINE_ARN = LOCAL_STATE_MACHINE_ARN;

    const stepFunctions = await startStepFunctionsEmulator({
      definition: options.stateMachineDefinition,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      onEvent: options.onStateMachineEvent,
    });
    parts.stepFunctions = stepFunctions;
    pointSdkAt({ sfn: stepFunctions.endpoint }, credentials);

    const poller = startQueuePoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: await loadHandler('functions/worker/execute-chunk.ts'),
      functionName: 'Worker',
      batchSize: WORKER_BATCH_SIZE,
      // Two invocations per shard, as the stack caps the worker on AWS (lib/chunk-queue.ts): two
      // batches run side by side, so a later batch of higher priority is not queued behind another.
      concurrency: 2 * config.SHARD_COUNT,
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
    parts.pollers.push(poller, deadChunkPoller);

    // EventBridge Scheduler's stand-in: one-time schedules fired on the service's clock.
    const runScheduledAction = await loadHandler('functions/scheduler/run-scheduled-action.ts');
    const scheduler = new TimerScheduler(now, (event) =>
      invoke(runScheduledAction, event, 'RunScheduledAction', 60_000),
    );
    setBatchScheduler(scheduler);
    parts.scheduler = scheduler;
    scheduler.start();

    // As the scheduled sweep does on AWS: batches whose execution died with an earlier run go on.
    const recoverBatches = await loadHandler('functions/workflow/recover-batches.ts');
    const sweep = () => invoke(recoverBatches, {}, 'RecoverBatches', 5 * 60_000);
    await sweep();
    parts.sweeps = setInterval(() => void sweep().catch(() => undefined), RECOVERY_SWEEP_MINUTES * 60_000);

    const handlers = await Promise.all(
      apiRoutes.map(async (route) => ({ route, handler: await loadHandler(route.entry) })),
    );
    const readiness = async (): Promise<Readiness> => {
      const checks = await readinessChecks({
        state,
        dynamodb: endpoints.dynamodb,
        sqs,
        queueUrl: queue.url,
        stepFunctions: stepFunctions.endpoint,
        pollers: parts.pollers,
      });
      return { ready: Object.values(checks).every((check) => check === 'UP'), checks };
    };
    const authentication: { authenticator?: Authenticator } = {};
    const server = createHttpApi(handlers, {
      metricsText: () => metrics.prometheusText(),
      health: { readiness },
      staticFiles: consoleAssets(),
      rateLimit,
      failedAuthentications,
      authentication,
    });
    parts.server = server;
    await listen(server, options.port);
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    // The local issuer's URL is the runtime's own, known once it listens.
    const authenticator = await createAuthenticator(process.env, url);
    authentication.authenticator = authenticator;
    state = 'ready';
    return {
      url,
      authenticator,
      dataDir,
      stepFunctions,
      metrics,
      stop: stopAll,
      kill: () => {
        state = 'stopping';
        parts.stepFunctions?.kill();
        for (const emulator of parts.emulators) emulator.kill();
      },
      readiness,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Each part the runtime needs, probed now: UP only when it answers (and the runtime is not stopping). */
async function readinessChecks(parts: {
  state: string;
  dynamodb: string;
  sqs: SQSClient;
  queueUrl: string;
  stepFunctions: string;
  pollers: { running(): boolean }[];
}): Promise<Record<string, 'UP' | 'DOWN'>> {
  const probe = async (check: () => Promise<unknown>) => {
    try {
      await check();
      return 'UP' as const;
    } catch {
      return 'DOWN' as const;
    }
  };
  const [tables, queue, workflow] = await Promise.all([
    probe(async () => {
      const client = new DynamoDBClient({ endpoint: parts.dynamodb });
      try {
        await checkTables(client);
      } finally {
        client.destroy();
      }
    }),
    probe(() =>
      parts.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: parts.queueUrl, AttributeNames: ['QueueArn'] }),
      ),
    ),
    probe(async () => {
      const response = await fetch(parts.stepFunctions, {
        method: 'POST',
        signal: AbortSignal.timeout(2000),
      });
      await response.arrayBuffer();
    }),
  ]);
  return {
    runtime: parts.state === 'ready' ? 'UP' : 'DOWN',
    dynamodb: tables,
    sqs: queue,
    workflow,
    queuePoller:
      parts.pollers.length > 0 && parts.pollers.every((poller) => poller.running()) ? 'UP' : 'DOWN',
  };
}

/** DATA_DIR's DynamoDB folder, its database from a -sharedDb version renamed to the runtime's key. */
function adoptedDatabaseDir(dataDir: string): string {
  const dynamoDir = join(dataDir, 'dynamodb');
  mkdirSync(dynamoDir, { recursive: true });
  adoptSharedDatabase(dynamoDir, emulatorAccessKey(dataDir));
  return dynamoDir;
}

/** DynamoDB Local and the SQS emulator, started for this runtime alone; `emulators` gets them to stop. */
async function startEmulators(
  emulators: Emulator[],
  dataDir: string | undefined,
): Promise<{ dynamodb: string; sqs: string }> {
  const [dynamo, sqs] = await Promise.all([
    // A throwaway run keeps its tables in memory (2-3x faster); a given DATA_DIR keeps them on disk.
    startDynamoDbLocal({
      ...(dataDir ? { dataDir: adoptedDatabaseDir(dataDir) } : {}),
      databasePerAccessKey: true,
    }),
    startSqsEmulator(),
  ]);
  emulators.push(dynamo, sqs);
  return { dynamodb: dynamo.endpoint, sqs: sqs.endpoint };
}

async function createChunkQueues(
  sqs: SQSClient,
  namePrefix: string,
): Promise<{ url: string; arn: string; deadLetterUrl: string; deadLetterArn: string }> {
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${namePrefix}${CHUNK_DLQ_NAME}`, Attributes: fifo }),
  );
  const dlqArn = await queueArn(sqs, dlq.QueueUrl as string);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${namePrefix}${CHUNK_QUEUE_NAME}`,
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
