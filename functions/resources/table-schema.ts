/**
 * The DynamoDB tables as plain data: the CDK stack and the embedded runtime both build their tables
 * from this one description, so local and AWS never drift apart. No AWS imports here.
 */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

/**
 * What an index copies of each item besides the keys. An index is written whenever a projected or key
 * attribute of an item changes, so an index whose items' other attributes change often projects keys
 * only (or a set operations never change) and its readers fetch the rest from the table.
 */
export type IndexProjection = 'KEYS_ONLY' | 'ALL';

export interface IndexSchema {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly projection: IndexProjection;
}

export interface TableSchema {
  /** Logical id in the stack and the environment variable that carries the physical name. */
  readonly id: string;
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexSchema[];
  /** Records carrying this epoch-seconds attribute expire (DynamoDB TTL). */
  readonly timeToLiveAttribute?: string;
}

export const INSTANCES_BY_SHARD_INDEX = 'byShardBucket';
export const INSTANCES_BY_SHARD_DEFINITION_INDEX = 'byShardBucketProcessDefinitionId';
/**
 * Index partitions per shard: the instance indexes are keyed by shard × bucket, not by the shard
 * alone, because a DynamoDB partition takes at most 1,000 writes/s (instance creation writes the
 * indexes): 8 shards × 16 buckets are 128 partition values, 128,000 writes/s, above a table's 40,000
 * warm throughput. A shard's reader queries each of its buckets.
 */
export const INDEX_BUCKETS = 16;
export const DEFINITIONS_BY_ID_INDEX = 'byProcessDefinitionId';
export const JOBS_BY_TYPE_INDEX = 'byActivatableType';
export const JOBS_BY_INSTANCE_INDEX = 'byProcessInstanceKey';
export const INCIDENTS_BY_INSTANCE_INDEX = 'byProcessInstanceKey';
export const INCIDENTS_BY_STATE_INDEX = 'byState';
export const BATCHES_BY_START_DATE_INDEX = 'byRecordStartDate';
export const AUTHORIZATIONS_BY_OWNER_INDEX = 'byOwner';

export const tableSchemas = {
  batches: {
    id: 'Batches',
    envVar: 'BATCHES_TABLE',
    // One partition per batch: the batch record plus one counter record per shard. Idempotency
    // records (one partition per caller's key) expire.
    partitionKey: { name: 'batchOperationKey', type: 'S' },
    sortKey: { name: 'record', type: 'S' },
    globalIndexes: [
      // Batch search lists batch records by start date. Sparse: only the batch record has both a
      // `record` and a `startDate` (shard and idempotency records have no start date), so the index
      // holds one entry per batch under the one partition value "BATCH". A single partition is fine
      // here: batches are few next to their items, and a batch record is written a handful of times
      // in its life (creation, activation, transitions, end), far below a partition's write rate.
      {
        indexName: BATCHES_BY_START_DATE_INDEX,
        partitionKey: { name: 'record', type: 'S' },
        sortKey: { name: 'startDate', type: 'S' },
        projection: 'ALL',
      },
    ],
    timeToLiveAttribute: 'expiresAt',
  },
  batchItems: {
    id: 'BatchItems',
    envVar: 'BATCH_ITEMS_TABLE',
    // One record per chunk of item keys ("0003#000017" = shard 3, chunk 17), never one per item.
    partitionKey: { name: 'batchOperationKey', type: 'S' },
    sortKey: { name: 'chunk', type: 'S' },
    globalIndexes: [],
    // A recorded chunk expires BATCH_ITEMS_RETENTION_DAYS after it was recorded; pending ones never do.
    timeToLiveAttribute: 'expiresAt',
  },
  processDefinitions: {
    id: 'ProcessDefinitions',
    envVar: 'PROCESS_DEFINITIONS_TABLE',
    partitionKey: { name: 'processDefinitionKey', type: 'S' },
    globalIndexes: [
      {
        indexName: DEFINITIONS_BY_ID_INDEX,
        partitionKey: { name: 'processDefinitionId', type: 'S' },
        sortKey: { name: 'version', type: 'N' },
        projection: 'ALL',
      },
    ],
  },
  processInstances: {
    id: 'ProcessInstances',
    envVar: 'PROCESS_INSTANCES_TABLE',
    partitionKey: { name: 'processInstanceKey', type: 'S' },
    // Both indexes project keys only: a state change (what every operation makes) writes the table
    // alone, and the readers fetch the candidates' items (BatchGetItem) before the filter decides.
    globalIndexes: [
      // Every shard pages through its own instances, bucket by bucket ("3#07": shard 3, bucket 7).
      {
        indexName: INSTANCES_BY_SHARD_INDEX,
        partitionKey: { name: 'shardBucket', type: 'S' },
        sortKey: { name: 'processInstanceKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
      // A filter that pins processDefinitionId reads only that definition's instances of the shard
      // ("3#07#order": shard 3, bucket 7, definition "order").
      {
        indexName: INSTANCES_BY_SHARD_DEFINITION_INDEX,
        partitionKey: { name: 'shardBucketProcessDefinitionId', type: 'S' },
        sortKey: { name: 'processInstanceKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
    // The tombstones of deleted instances expire (they only guard a deleting batch's redeliveries).
    timeToLiveAttribute: 'expiresAt',
  },
  jobs: {
    id: 'Jobs',
    envVar: 'JOBS_TABLE',
    partitionKey: { name: 'jobKey', type: 'S' },
    globalIndexes: [
      // Activation: a type's jobs a worker may take, by the time from which it may (creation, end
      // of a retry back-off, or the deadline of the worker holding it). Sparse: finished and
      // failed-without-retries jobs carry no `activatableType`.
      {
        indexName: JOBS_BY_TYPE_INDEX,
        partitionKey: { name: 'activatableType', type: 'S' },
        sortKey: { name: 'activatableAt', type: 'N' },
        projection: 'ALL',
      },
      // An instance's jobs (whether any other failed with retries left).
      {
        indexName: JOBS_BY_INSTANCE_INDEX,
        partitionKey: { name: 'processInstanceKey', type: 'S' },
        sortKey: { name: 'jobKey', type: 'S' },
        projection: 'ALL',
      },
    ],
  },
  incidents: {
    id: 'Incidents',
    envVar: 'INCIDENTS_TABLE',
    partitionKey: { name: 'incidentKey', type: 'S' },
    globalIndexes: [
      // Search pinned to one instance, or to one state (incidents are few next to instances).
      {
        indexName: INCIDENTS_BY_INSTANCE_INDEX,
        partitionKey: { name: 'processInstanceKey', type: 'S' },
        sortKey: { name: 'incidentKey', type: 'S' },
        projection: 'ALL',
      },
      {
        indexName: INCIDENTS_BY_STATE_INDEX,
        partitionKey: { name: 'state', type: 'S' },
        sortKey: { name: 'incidentKey', type: 'S' },
        projection: 'ALL',
      },
    ],
  },
  // Camunda's authorizations (docs/security.md): few records, an administrator's configuration.
  authorizations: {
    id: 'Authorizations',
    envVar: 'AUTHORIZATIONS_TABLE',
    partitionKey: { name: 'authorizationKey', type: 'S' },
    globalIndexes: [
      // A caller's grants: one query per owner it acts as (`USER#alice`, `GROUP#ops`, `ROLE#admin`).
      {
        indexName: AUTHORIZATIONS_BY_OWNER_INDEX,
        partitionKey: { name: 'owner', type: 'S' },
        sortKey: { name: 'authorizationKey', type: 'S' },
        // Grants are small and read whole at every request; they change only when managed.
        projection: 'ALL',
      },
    ],
  },
  keySequences: {
    id: 'KeySequences',
    envVar: 'KEY_SEQUENCES_TABLE',
    partitionKey: { name: 'sequence', type: 'S' },
    globalIndexes: [],
  },
} as const satisfies Record<string, TableSchema>;
