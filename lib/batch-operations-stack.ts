import { ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { readConfig } from '#commons/config.ts';
import { tableSchemas } from '#resources/table-schema.ts';
import { TASK_TIMEOUT_SECONDS, type WorkflowTask, workflowTasks } from '#resources/workflow-tasks.ts';
import { Api } from './api.ts';
import { ApiAuth } from './api-auth.ts';
import { ChunkQueue, workerMaxConcurrency } from './chunk-queue.ts';
import { ConsoleHosting } from './console.ts';
import { EngineConnection } from './engine-connection.ts';
import { Monitoring } from './monitoring.ts';
import { Recovery } from './recovery.ts';
import { BatchSchedules } from './schedules.ts';
import { ServiceFunction } from './service-function.ts';
import { Tables } from './tables.ts';
import { BatchWorkflow, type WorkflowFunctions } from './workflow.ts';

/** CDK context keys of the per-deployment settings and the variables they become. */
const CONTEXT_SETTINGS = {
  shardCount: 'SHARD_COUNT',
  chunkSize: 'CHUNK_SIZE',
  queryPageSize: 'QUERY_PAGE_SIZE',
  workerConcurrency: 'WORKER_CONCURRENCY',
  progressPollSeconds: 'PROGRESS_POLL_SECONDS',
  stallAlarmSeconds: 'STALL_ALARM_SECONDS',
  queryRetryMax: 'QUERY_RETRY_MAX',
  queryRetryInitialDelay: 'QUERY_RETRY_INITIAL_DELAY_MS',
  queryRetryMaxDelay: 'QUERY_RETRY_MAX_DELAY_MS',
  queryRetryBackoffFactor: 'QUERY_RETRY_BACKOFF_FACTOR',
  // The engine's capacity shared by every running batch (docs/configuration.md); 0: no shared budget.
  engineMaxItemsPerSecond: 'ENGINE_MAX_ITEMS_PER_SECOND',
} as const;

/** The whole service: tables, chunk queue and worker, the batch state machine, and the HTTP API. */
export class BatchOperationsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // The engine's connection reaches every function, as the shard count does (docs/engines.md, "On AWS").
    const engine = new EngineConnection(this, 'Engine');
    const environment = { ...settingsFromContext(this), ...engine.environment };
    const warm = this.node.tryGetContext('warmThroughput');
    const { tables } = new Tables(this, 'Tables', { warmThroughput: warm === true || warm === 'true' });
    engine.rememberEngineIdsIn(tables.keySequences);
    const chunkQueue = new ChunkQueue(this, 'ChunkQueue', {
      tables,
      environment,
      workerMaxConcurrency: workerMaxConcurrency(Number(environment.SHARD_COUNT)),
    });

    const fn = (task: WorkflowTask) =>
      new ServiceFunction(this, task.id, {
        entry: task.entry,
        environment,
        timeout: Duration.seconds(task.timeoutSeconds ?? TASK_TIMEOUT_SECONDS),
      }).bindTable(tableSchemas.batches, tables.batches, 'readWrite');
    const initializeShard = fn(workflowTasks.initializeShard)
      .bindTable(tableSchemas.processInstances, tables.processInstances, 'read')
      .bindTable(tableSchemas.processDefinitions, tables.processDefinitions, 'read')
      // A job batch's items are jobs (UPDATE_JOB): each shard scans its segment of them.
      .bindTable(tableSchemas.jobs, tables.jobs, 'read')
      .bindTable(tableSchemas.batchItems, tables.batchItems, 'readWrite');
    // Both send pending chunks: the dispatch step, and the progress poll when it finds a batch stalled.
    const [dispatchChunks, checkProgress] = [workflowTasks.dispatchChunks, workflowTasks.checkProgress].map(
      (task) => {
        const sender = fn(task).bindTable(tableSchemas.batchItems, tables.batchItems, 'read');
        sender.function.addEnvironment('CHUNK_QUEUE_URL', chunkQueue.queue.queueUrl);
        chunkQueue.queue.grantSendMessages(sender.function);
        return sender;
      },
    );
    const stateMachineName = `${this.stackName}-Batches`;
    // Wakes its own execution when the batch was resumed before the token was stored.
    const awaitResumption = fn(workflowTasks.awaitResumption);
    awaitResumption.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        resources: [
          this.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: stateMachineName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const functions: WorkflowFunctions = {
      startBatch: fn(workflowTasks.startBatch).function,
      initializeShard: initializeShard.function,
      dispatchChunks: dispatchChunks.function,
      checkProgress: checkProgress.function,
      awaitResumption: awaitResumption.function,
      completeBatch: fn(workflowTasks.completeBatch).function,
      failBatch: fn(workflowTasks.failBatch).function,
    };
    const { stateMachine } = new BatchWorkflow(this, 'Workflow', { functions, stateMachineName });
    const schedules = new BatchSchedules(this, 'BatchSchedules', {
      batchesTable: tables.batches,
      stateMachine,
      environment,
    });
    const auth = new ApiAuth(this, 'Auth', {
      cognito: this.node.tryGetContext('cognito') === 'true' || this.node.tryGetContext('cognito') === true,
    });
    const api = new Api(this, 'Api', {
      tables,
      stateMachine,
      environment: { ...environment, ...auth.environment },
      jwt: auth,
      schedules,
    });
    new ConsoleHosting(this, 'Console', { httpApi: api.httpApi });
    const recovery = new Recovery(this, 'Recovery', {
      batchesTable: tables.batches,
      stateMachine,
      environment,
    });
    // The recovery sets a scheduled batch's schedule again; a worker schedules a window's opening.
    schedules.bind(recovery.sweep.function);
    schedules.bind(chunkQueue.worker.function);
    new Monitoring(this, 'Monitoring', {
      stateMachine,
      queue: chunkQueue.queue,
      deadLetterQueue: chunkQueue.deadLetterQueue,
      worker: chunkQueue.worker.function,
      functions: [
        chunkQueue.worker.function,
        chunkQueue.deadChunkAccounting.function,
        ...Object.values(functions),
        ...api.functions,
        recovery.sweep.function,
      ],
      httpApi: api.httpApi,
      tables: Object.values(tables),
    });
  }
}

/** Per-deployment settings from CDK context, validated like the runtime's: a bad value stops synth. */
function settingsFromContext(scope: Construct): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [contextKey, variable] of Object.entries(CONTEXT_SETTINGS)) {
    const value = scope.node.tryGetContext(contextKey);
    if (value !== undefined) environment[variable] = String(value);
  }
  const config = readConfig(environment);
  return Object.fromEntries(
    Object.values(CONTEXT_SETTINGS).map((variable) => [variable, String(config[variable])]),
  );
}
