import { BuiltinEngine } from '#adapters/builtin/builtin-engine.ts';
import { BuiltinEngineReads } from '#adapters/builtin/builtin-reads.ts';
import { Camunda7Engine, camunda7EngineFromEnvironment } from '#adapters/camunda7/camunda7-engine.ts';
import { Camunda8Engine, camunda8EngineFromEnvironment } from '#adapters/camunda8/camunda8-engine.ts';
import { DynamoAuthorizationStore } from '#adapters/dynamodb/authorization-store.ts';
import { DynamoBatchAuditLog } from '#adapters/dynamodb/batch-audit-log.ts';
import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import { DynamoEngineBudget } from '#adapters/dynamodb/engine-budget.ts';
import { DynamoEngineIdMap } from '#adapters/dynamodb/engine-id-map.ts';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { DynamoJobStore } from '#adapters/dynamodb/job-store.ts';
import { DynamoKeyGenerator } from '#adapters/dynamodb/key-generator.ts';
import { DynamoProcessDefinitionStore } from '#adapters/dynamodb/process-definition-store.ts';
import { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import { EngineDefinitions } from '#adapters/engine-definitions.ts';
import { EventBridgeBatchScheduler } from '#adapters/scheduler/eventbridge-scheduler.ts';
import { StepFunctionsBatchWorkflow } from '#adapters/sfn/batch-workflow.ts';
import { SqsChunkQueue } from '#adapters/sqs/chunk-queue.ts';
import type { ItemProviderDeps } from '#domain/initialization/item-provider/matching-instance-keys.ts';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import type { BatchScheduler } from '#ports/batch-scheduler.ts';
import type { Engine } from '#ports/engine.ts';
import type { EngineBudget } from '#ports/engine-budget.ts';
import type { EngineReads } from '#ports/engine-reads.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { dynamoDocumentClient, scheduler, sqs, stepFunctions } from './clients.ts';
import { type Config, queryRetrySettings, readConfig } from './config.ts';
import { readEngineSecret } from './engine-secret.ts';

/**
 * The adapters every handler uses, wired once per process from the configuration (as handlers wire
 * their store at module scope). Lazy, so that the embedded runtime can set the environment first.
 */
let cached: Services | undefined;

export interface Services {
  config: Config;
  definitions: DynamoProcessDefinitionStore;
  instances: DynamoProcessInstanceStore;
  keys: DynamoKeyGenerator;
  /** The built-in engine's jobs and incidents, and the steps that change them. */
  engineStore: DynamoEngineStore;
  jobs: DynamoJobStore;
  batches: DynamoBatchStore;
  chunks: DynamoChunkStore;
  chunkQueue: SqsChunkQueue;
  workflow: StepFunctionsBatchWorkflow;
  authorizations: DynamoAuthorizationStore;
  audit: DynamoBatchAuditLog;
}

export function services(): Services {
  if (cached) return cached;
  const config = readConfig();
  const db = dynamoDocumentClient();
  cached = {
    config,
    definitions: new DynamoProcessDefinitionStore(db, config.PROCESS_DEFINITIONS_TABLE),
    instances: new DynamoProcessInstanceStore(db, config.PROCESS_INSTANCES_TABLE, config.SHARD_COUNT, {
      settings: queryRetrySettings(config),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
    keys: new DynamoKeyGenerator(db, config.KEY_SEQUENCES_TABLE),
    engineStore: new DynamoEngineStore(
      db,
      {
        instances: config.PROCESS_INSTANCES_TABLE,
        jobs: config.JOBS_TABLE,
        incidents: config.INCIDENTS_TABLE,
      },
      config.SHARD_COUNT,
    ),
    jobs: new DynamoJobStore(db, config.JOBS_TABLE),
    batches: new DynamoBatchStore(db, config.BATCHES_TABLE),
    chunks: new DynamoChunkStore(db, config.BATCHES_TABLE, config.BATCH_ITEMS_TABLE),
    chunkQueue: new SqsChunkQueue(sqs(), config.CHUNK_QUEUE_URL),
    workflow: new StepFunctionsBatchWorkflow(stepFunctions(), config.STATE_MACHINE_ARN),
    authorizations: new DynamoAuthorizationStore(db, config.AUTHORIZATIONS_TABLE),
    audit: new DynamoBatchAuditLog(db, config.BATCHES_TABLE),
  };
  return cached;
}

/** The time the engine's commands act at: the wall clock unless a test moved it (job time-outs, back-offs). */
let clock: () => Date = () => new Date();

export function now(): Date {
  return clock();
}

/** Replaces the clock of this process's handlers, so that a test moves time instead of waiting for it. */
export function setClock(next: () => Date): void {
  clock = next;
}

/** What the engine's commands (jobs, incidents) read and write, at the current time. */
export function engineDeps(): EngineDeps {
  const { engineStore, instances, definitions, keys } = services();
  return { engine: engineStore, instances, definitions, keys, now };
}

/**
 * The engine's secret from Secrets Manager (ENGINE_SECRET_ID), read once per process at a Lambda's
 * cold start, before any handler runs (a top-level await), so that `engine()` stays synchronous.
 */
const engineSecret = await readEngineSecret(process.env);

let cachedEngine: Engine | undefined;

/**
 * The engine every phase selects items from and applies operations through (functions/ports/engine.ts):
 * the one the configuration names (`ENGINE`), wired once per process.
 */
export function engine(): Engine {
  if (cachedEngine) return cachedEngine;
  const { config } = services();
  const external = { retry: queryRetrySettings(config), concurrency: config.WORKER_CONCURRENCY };
  cachedEngine =
    config.ENGINE === 'camunda8'
      ? // Its connection from the official client's own CAMUNDA_* variables (docs/engines.md).
        camunda8EngineFromEnvironment({ ...process.env, ...engineSecret }, external)
      : config.ENGINE === 'camunda7'
        ? // Its ids' surrogate keys beside the key counters (functions/adapters/camunda7/engine-keys.ts).
          camunda7EngineFromEnvironment(
            { ...process.env, ...engineSecret },
            external,
            new DynamoEngineIdMap(dynamoDocumentClient(), config.KEY_SEQUENCES_TABLE),
          )
        : new BuiltinEngine({ ...engineDeps(), ...itemProvider() });
  return cachedEngine;
}

let cachedReads: EngineReads | null | undefined;

/**
 * The reads the console and the CLI make of the configured engine's records (definitions, their BPMN,
 * instances, incidents, jobs; functions/ports/engine-reads.ts), wired once per process beside
 * `engine()`; undefined for an engine without them, whose read routes then answer 501
 * (functions/commons/engine-routes.ts). An adapter plugs in with one more case here.
 */
export function engineReads(): EngineReads | undefined {
  if (cachedReads === undefined) {
    const { config, definitions, instances, jobs, engineStore } = services();
    const configured = engine();
    cachedReads =
      configured instanceof BuiltinEngine
        ? new BuiltinEngineReads({
            definitions,
            instances,
            jobs,
            engine: engineStore,
            shardCount: config.SHARD_COUNT,
          })
        : configured instanceof Camunda8Engine || configured instanceof Camunda7Engine
          ? configured.reads()
          : null;
  }
  return cachedReads ?? undefined;
}

/**
 * The configured engine's process definitions, as creation checks a migration plan or a modification
 * against them: the built-in store, or an external engine's through its reads.
 */
export function engineDefinitions(): ProcessDefinitionStore {
  const { config, definitions } = services();
  const reads = engineReads();
  return config.ENGINE === 'builtin' || !reads ? definitions : new EngineDefinitions(reads);
}

/** What reads a filter's matching instances or jobs in the built-in engine: one set of query settings. */
function itemProvider(): ItemProviderDeps {
  const { instances, jobs, config } = services();
  return {
    instances,
    jobs,
    queryPageSize: config.QUERY_PAGE_SIZE,
    queryRetry: queryRetrySettings(config),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

let cachedBudget: EngineBudget | undefined;

/** The engine's capacity shared by every running batch, when ENGINE_MAX_ITEMS_PER_SECOND sets one. */
export function engineBudget(): EngineBudget | undefined {
  const { config } = services();
  if (!config.ENGINE_MAX_ITEMS_PER_SECOND) return undefined;
  cachedBudget ??= new DynamoEngineBudget(
    dynamoDocumentClient(),
    config.BATCHES_TABLE,
    config.ENGINE_MAX_ITEMS_PER_SECOND,
  );
  return cachedBudget;
}

let cachedScheduler: BatchScheduler | undefined;

/**
 * The one-time schedules of scheduled starts and maintenance windows: EventBridge Scheduler on AWS,
 * unless the embedded runtime put its timer in place (`setBatchScheduler`).
 */
export function batchScheduler(): BatchScheduler {
  const { config } = services();
  cachedScheduler ??= new EventBridgeBatchScheduler(scheduler(), {
    groupName: config.SCHEDULE_GROUP_NAME,
    targetArn: config.SCHEDULED_ACTION_ARN,
    roleArn: config.SCHEDULER_ROLE_ARN,
  });
  return cachedScheduler;
}

/** The embedded runtime's scheduler (a timer on the service's clock) in place of EventBridge's. */
export function setBatchScheduler(next: BatchScheduler): void {
  cachedScheduler = next;
}
