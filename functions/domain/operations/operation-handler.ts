import type { EngineChange } from '#ports/engine-store.ts';
import type { BatchOperationType } from '../batch/batch-operation.ts';
import type { EngineDeps } from '../instance/engine-step.ts';
import type { InstanceCommand } from '../instance/instance-command.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';

/** The batch item a write operation's command is for: the batch's key and its stored parameters. */
export interface OperationItem {
  readonly batchOperationKey: string;
  readonly parameters?: unknown;
}

/** Why an item failed, as a low-cardinality class (a metric dimension). */
export type ItemErrorClass = 'NOT_FOUND' | 'INVALID_STATE' | 'CONCURRENT_CHANGE';

/**
 * An operation that is a single conditional write on the instance, without reading it first: the
 * cheapest kind (one write per item), for a change that needs nothing but the instance's state.
 */
export interface WriteOperation {
  readonly kind: 'write';
  readonly type: BatchOperationType;
  /**
   * The command for a batch's item (with the batch's key and stored parameters), or for one instance
   * outside any batch.
   */
  command(now: string, item?: OperationItem): InstanceCommand;
  /** The engine's reason when the instance's state refused the command. */
  rejection(instance: ProcessInstance): string;
  missing(processInstanceKey: string): string;
}

/** What an engine-step operation knows about the item it decides on. */
export interface OperationContext {
  readonly batchOperationKey: string;
  /**
   * The operation's own request fields as stored with the batch (e.g. `{ moveInstructions }`),
   * validated at creation; the handler parses them with its own schema.
   */
  readonly parameters: unknown;
  readonly now: string;
}

/**
 * An engine step's verdict on one instance: refused (the item FAILS with `refused` as its error
 * message), or a change to commit. The change's `instance.after` must carry the batch key in
 * `batchOperationIds` (use `markedBy`): the store then writes it only while the instance is exactly
 * as read and not yet marked, which makes the operation exactly-once per batch and instance.
 */
export type OperationDecision =
  | { readonly refused: string; readonly errorClass?: ItemErrorClass }
  | { readonly change: EngineChange & Required<Pick<EngineChange, 'instance'>> };

/**
 * An operation that is an engine step: it reads the instance (and whatever else it needs through
 * the engine's deps: jobs, incidents, definitions, keys) and decides. The executor commits the change;
 * a commit that lost a race is decided again on fresh reads, and an instance already marked with the
 * batch key counts as done (a redelivered chunk applies nothing twice).
 */
export interface StepOperation {
  readonly kind: 'step';
  readonly type: BatchOperationType;
  decide(deps: EngineDeps, instance: ProcessInstance, context: OperationContext): Promise<OperationDecision>;
  missing(processInstanceKey: string): string;
}

/**
 * One batch operation type: how it changes an instance and the engine's reason when the instance does
 * not allow it. Adding an operation type is adding one handler file and a registry line.
 */
export type OperationHandler = WriteOperation | StepOperation;

/** The instance as an operation leaves it, marked as changed by the batch (what makes it exactly-once). */
export function markedBy(instance: ProcessInstance, batchOperationKey: string): ProcessInstance {
  if (instance.batchOperationIds.includes(batchOperationKey)) return instance;
  return { ...instance, batchOperationIds: [...instance.batchOperationIds, batchOperationKey].sort() };
}
