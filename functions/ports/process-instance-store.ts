import type { QueryPlan } from '#domain/filter/plan-query.ts';
import type { InstanceCommand } from '#domain/instance/instance-command.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';

/** A page of instance keys; `cursor` is absent on the last page. */
export interface KeyPage {
  keys: string[];
  cursor?: string;
  retries: number;
}

/**
 * How fresh a page's candidates must be: `strong` reads the latest write (an API search, read after
 * the caller's own changes); `eventual` may be a moment old, at half the read cost (a batch's
 * snapshot, whose every write re-checks the instance's state).
 */
export type ReadConsistency = 'strong' | 'eventual';

export interface PageRequest {
  cursor?: string;
  pageSize: number;
  /** `strong` when not given. */
  consistency?: ReadConsistency;
}

/** A page of candidate instances; `cursor` is absent on the last page. */
export interface InstancePage {
  instances: ProcessInstance[];
  cursor?: string;
  /** Requests the store had to repeat for this page (throttling, transient errors): the query-retry metric. */
  retries: number;
}

export type CommandResult =
  | { applied: true }
  /** Refused by the store's condition; `current` is the instance as it was (absent if it does not exist). */
  | { applied: false; current?: ProcessInstance };

/**
 * What a deleted instance leaves behind until it expires: its key and the batches that changed it
 * (the deleting one included), so a redelivered deletion recognizes its own work. Every read,
 * query and search treats a tombstoned instance as absent.
 */
export interface InstanceTombstone {
  processInstanceKey: string;
  batchOperationIds: string[];
  deletedDate: string;
}

/** One item of a batch's write group: the instance and the command for it. */
export interface BatchCommand {
  processInstanceKey: string;
  command: InstanceCommand;
}

export interface ProcessInstanceStore {
  putInstances(instances: readonly ProcessInstance[]): Promise<void>;
  /** The instance; undefined when there is none or it was deleted (see `getTombstone`). */
  getInstance(processInstanceKey: string): Promise<ProcessInstance | undefined>;
  /**
   * The instances of the keys that exist (deleted ones left out), each once, read strongly consistent
   * in as few requests as the store allows (`BatchGetItem`, 100 keys a request), in no particular order.
   */
  getInstances(processInstanceKeys: readonly string[]): Promise<ProcessInstance[]>;
  /** The tombstone of a deleted instance, if it was deleted and the tombstone has not expired yet. */
  getTombstone(processInstanceKey: string): Promise<InstanceTombstone | undefined>;
  /**
   * Reads one shard's candidates for a plan, one page at a time. Candidates are read
   * whole after the index named their keys (the indexes hold keys only); the caller decides with the
   * filter evaluator.
   */
  queryShard(plan: QueryPlan, shard: number, page: PageRequest): Promise<InstancePage>;
  /**
   * One shard's keys of a plan whose access path decides the filter (`plan.decidedByAccess`): the
   * index's keys alone, no candidate read. Keys come in index order, as `queryShard`'s candidates.
   */
  queryShardKeys(plan: QueryPlan, shard: number, page: Omit<PageRequest, 'consistency'>): Promise<KeyPage>;
  /**
   * Applies a command in one conditional write. With a batch key the write also records the batch on
   * the instance, so the same batch can never apply it twice; without one (a single-instance API
   * call) the command's required states are the only condition.
   */
  applyCommand(
    processInstanceKey: string,
    command: InstanceCommand,
    batchOperationKey?: string,
  ): Promise<CommandResult>;
  /**
   * Applies a batch's commands in as few requests as the store allows (PartiQL batches of 25 on
   * DynamoDB), each still its own conditional write: applied only while the instance is in a required
   * state and not yet marked with the batch key, which the write adds. Each succeeds or is refused on
   * its own; the results come in the order of the commands. Writes still refused as throttled after the
   * store's retries throw TransientStoreError: those made stay made, and a redelivered chunk finds them
   * marked.
   */
  applyBatchCommands(batchOperationKey: string, commands: readonly BatchCommand[]): Promise<CommandResult[]>;
}
