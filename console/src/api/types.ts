/** The wire shapes the console reads: Camunda 8's responses plus this service's extensions. */

export const BATCH_STATES = [
  'CREATED',
  'ACTIVE',
  'SUSPENDED',
  'COMPLETED',
  'PARTIALLY_COMPLETED',
  'CANCELED',
  'FAILED',
] as const;
export type BatchState = (typeof BATCH_STATES)[number];
export const FINAL_BATCH_STATES: readonly BatchState[] = [
  'COMPLETED',
  'PARTIALLY_COMPLETED',
  'CANCELED',
  'FAILED',
];
export const isFinal = (state: BatchState) => FINAL_BATCH_STATES.includes(state);

export const ITEM_STATES = ['ACTIVE', 'COMPLETED', 'SKIPPED', 'CANCELED', 'FAILED'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export interface ProblemDetail {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

export interface BatchError {
  partitionId: number;
  type: string;
  message: string;
}

export interface BatchOperation {
  batchOperationKey: string;
  state: BatchState;
  batchOperationType: string;
  startDate: string;
  endDate: string | null;
  actorType: string | null;
  actorId: string | null;
  operationsTotalCount: number;
  operationsFailedCount: number;
  operationsCompletedCount: number;
  errors: BatchError[];
  itemErrorSummary?: { errorMessage: string; count: number }[];
  stalledSince?: string;
  /** Extension: the engine is out of reach; the batch's chunks are held and sent again after a back-off. */
  waitingForEngine?: { reason: string; since: string; attempts: number };
  /** Extension: the batch's rate limit. */
  itemsPerSecond?: number;
  parameters?: Record<string, unknown>;
  /** Extension: each shard's progress. */
  shards?: ShardProgress[];
  /** Extensions: the rate its workers measured lately and when it ends at that pace (null once ended). */
  currentItemsPerSecond?: number | null;
  estimatedEndDate?: string | null;
  /** Extensions: its share of the engine's budget, its scheduled start, its maintenance windows. */
  priority?: number;
  scheduledFor?: string | null;
  windows?: MaintenanceWindow[];
  windowPausedAt?: string;
  [field: string]: unknown;
}

export interface MaintenanceWindow {
  days: string[];
  from: string;
  to: string;
  timeZone: string;
}

export interface ShardProgress {
  shard: number;
  /** A final state once the shard (or its batch) has ended. */
  state: 'INITIALIZING' | 'EXECUTING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  operationsTotalCount: number;
  operationsCompletedCount: number;
  operationsFailedCount: number;
}

export interface BatchItem {
  batchOperationKey: string;
  itemKey: string;
  processInstanceKey: string;
  /** A Camunda 7 engine's own ids beside the numeric keys (docs/engines.md). */
  itemEngineId?: string;
  processInstanceEngineId?: string;
  state: ItemState;
  processedDate: string | null;
  errorMessage: string | null;
  operationType: string;
}

export interface SearchPage {
  totalItems: number;
  hasMoreTotalItems?: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface SearchResult<T> {
  items: T[];
  page: SearchPage;
}

export interface PageRequest {
  from?: number;
  limit?: number;
  after?: string;
  before?: string;
}

export interface DryRunResult {
  batchOperationType: string;
  total: number;
  shards: { shard: number; count: number }[];
  sampleProcessInstanceKeys: string[];
}

export interface CreatedBatch {
  batchOperationKey: string;
  batchOperationType: string;
}

export interface ProcessDefinition {
  processDefinitionKey: string;
  /** A Camunda 7 engine's definition id (`order:2:…`) beside the numeric key. */
  processDefinitionEngineId?: string;
  processDefinitionId: string;
  name: string | null;
  version: number;
  versionTag: string | null;
  tenantId: string;
}

export interface ProcessInstance {
  processInstanceKey: string;
  /** A Camunda 7 engine's instance id beside the numeric key. */
  processInstanceEngineId?: string;
  processDefinitionId: string;
  processDefinitionName: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  startDate: string;
  endDate: string | null;
  state: string;
  hasIncident: boolean;
  tenantId: string;
  [field: string]: unknown;
}

/** Extension: GET /v2/extensions/limits, the deployment's limits creation enforces. */
export interface Limits {
  /** The engine the deployment's batches act on (the wizard offers its types and query form). */
  engine?: 'builtin' | 'camunda8' | 'camunda7';
  shardCount: number;
  chunkSize: number;
  itemsPerSecondMinimum: number;
  maxPacedChunkSeconds: number;
}
