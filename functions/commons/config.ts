import { z } from 'zod';

/**
 * The service's one typed configuration, read from the environment (Lambda, embedded runtime)
 * and validated once. Every limit carries the reason for its default.
 */
/** Most keys per chunk record: what a chunk record of failed items holds under DynamoDB's 400 KB item limit (see chunk.ts). */
export const MAX_CHUNK_SIZE = 1000;

const configSchema = z.object({
  /**
   * Where the instances a batch acts on live: the service's own store (the embedded default), or an
   * existing Camunda 8 cluster (its connection: the official client's CAMUNDA_* variables), or a Camunda 7
   * / Operaton engine (CAMUNDA7_REST_URL, CAMUNDA7_USERNAME, CAMUNDA7_PASSWORD): docs/engines.md.
   */
  ENGINE: z.enum(['builtin', 'camunda8', 'camunda7']).default('builtin'),
  /** Instances are spread over this many shards by key; each shard initializes and executes on its own. */
  SHARD_COUNT: z.coerce.number().int().min(1).max(64).default(8),
  /** Keys per chunk record: large enough to amortize a worker invocation, small enough for one record. */
  CHUNK_SIZE: z.coerce.number().int().min(1).max(MAX_CHUNK_SIZE).default(100),
  /** Instances read per store page during initialization (DynamoDB returns at most 1 MB per page anyway). */
  QUERY_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Retries of a failed instance query during initialization before its shard fails with QUERY_FAILED (Zeebe: 3). */
  QUERY_RETRY_MAX: z.coerce.number().int().min(0).max(20).default(3),
  /** First wait before retrying a query; each further wait is `QUERY_RETRY_BACKOFF_FACTOR` times longer (Zeebe: 1 s). */
  QUERY_RETRY_INITIAL_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Longest wait between query retries (Zeebe: 60 s); keeps a shard within one Lambda's 15 minutes. */
  QUERY_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(60_000),
  QUERY_RETRY_BACKOFF_FACTOR: z.coerce.number().min(1).max(10).default(2),
  /** Instance commands in flight per chunk: tens, bounded, so one shard's worker keeps the table busy. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(16),
  /**
   * The most items per second all running batches together send to the engine, shared by priority
   * (functions/domain/execution/engine-budget.ts); 0: no shared budget, each batch paces itself alone.
   */
  ENGINE_MAX_ITEMS_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(0),
  /** Seconds between progress checks of the execution phase on AWS (backed off from here). */
  PROGRESS_POLL_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  /** A batch whose finished-item count has not moved for this long is reported stalled (metric + alarm). */
  STALL_ALARM_SECONDS: z.coerce.number().int().min(60).default(900),
  BATCHES_TABLE: z.string().min(1).default('Batches'),
  BATCH_ITEMS_TABLE: z.string().min(1).default('BatchItems'),
  PROCESS_DEFINITIONS_TABLE: z.string().min(1).default('ProcessDefinitions'),
  PROCESS_INSTANCES_TABLE: z.string().min(1).default('ProcessInstances'),
  KEY_SEQUENCES_TABLE: z.string().min(1).default('KeySequences'),
  JOBS_TABLE: z.string().min(1).default('Jobs'),
  INCIDENTS_TABLE: z.string().min(1).default('Incidents'),
  AUTHORIZATIONS_TABLE: z.string().min(1).default('Authorizations'),
  /** Users, groups and roles with every permission on every tenant (Camunda 8 Run: demo, role admin). */
  AUTH_ADMIN_USERS: z.string().default('demo'),
  AUTH_ADMIN_GROUPS: z.string().default(''),
  AUTH_ADMIN_ROLES: z.string().default('admin'),
  /** Token claims naming the caller: a client (client-credentials) when it has the client-id claim, else a user. */
  AUTH_USERNAME_CLAIM: z.string().min(1).default('sub'),
  AUTH_CLIENT_ID_CLAIM: z.string().min(1).default('client_id'),
  /** Token claims listing the caller's groups, roles and tenants (`<default>` when it has none). */
  AUTH_GROUPS_CLAIM: z.string().min(1).default('groups'),
  AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
  AUTH_TENANTS_CLAIM: z.string().min(1).default('tenants'),
  CHUNK_QUEUE_URL: z.string().default(''),
  /** EventBridge Scheduler: the group of the batches' one-time schedules, their target and its role. */
  SCHEDULE_GROUP_NAME: z.string().default(''),
  SCHEDULED_ACTION_ARN: z.string().default(''),
  SCHEDULER_ROLE_ARN: z.string().default(''),
  STATE_MACHINE_ARN: z.string().default(''),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigurationError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The query retry settings as the item provider takes them. */
export function queryRetrySettings(config: Config) {
  return {
    maxRetries: config.QUERY_RETRY_MAX,
    initialDelayMs: config.QUERY_RETRY_INITIAL_DELAY_MS,
    maxDelayMs: config.QUERY_RETRY_MAX_DELAY_MS,
    backoffFactor: config.QUERY_RETRY_BACKOFF_FACTOR,
  };
}
