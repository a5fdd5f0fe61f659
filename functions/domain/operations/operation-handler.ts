import type { z } from 'zod';
import type { EngineChange } from '#ports/engine-store.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import type { InstanceScope, PermissionType } from '../authorization/permissions.ts';
import type { BatchOperationType } from '../batch/batch-operation.ts';
import type { EngineDeps } from '../instance/engine-step.ts';
import type { InstanceCommand } from '../instance/instance-command.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import type { Job } from '../job/job.ts';

/**
 * How a batch of the type is created: its route (the path, and the route's construct id on AWS), its
 * request body and the checks made at creation. Creation, dry run, the route table and the route's
 * grants are derived from it (functions/commons/batch-requests.ts, functions/resources/api-routes.ts,
 * lib/api.ts).
 */
export interface OperationCreation {
  /** `POST` path of the creation request; its last segment also names the dry run. */
  readonly path: `/v2/${string}`;
  /** Construct id of the creation route's function on AWS (and its metrics name). */
  readonly routeId: string;
  /** The whole request body: instances (filter, processInstanceKeys), controls and the type's parameters. */
  readonly body: z.ZodType<Record<string, unknown>>;
  /**
   * Checks that need the process definitions, made at creation so a bad request is a 400, not N
   * failed items. A type with such checks is granted read access to the definitions.
   */
  readonly validate?: (
    deps: { definitions: ProcessDefinitionStore },
    filter: unknown,
    parameters: Record<string, unknown>,
  ) => Promise<void>;
}

/** What every operation type declares besides how it acts on an item. */
interface OperationDescriptorBase {
  readonly type: BatchOperationType;
  readonly creation: OperationCreation;
  /** The permission Camunda 8's authorization model asks of its creator (resource BATCH). */
  readonly permission: `CREATE_BATCH_OPERATION_${BatchOperationType}`;
  /**
   * The permission on an item's process definition (resource PROCESS_DEFINITION) the creator needs
   * for the batch to touch the item, as Camunda's docs list it for the operation; checked per item.
   */
  readonly itemPermission: PermissionType;
  /** The engine's reason when the item (an instance, or a job for a job operation) does not exist. */
  missing(itemKey: string): string;
}

/** The batch item a write operation's command is for: the batch's key and its stored parameters. */
export interface OperationItem {
  readonly batchOperationKey: string;
  readonly parameters?: unknown;
}

/** Why an item failed, as a low-cardinality class (a metric dimension). */
export type ItemErrorClass = 'NOT_FOUND' | 'INVALID_STATE' | 'CONCURRENT_CHANGE' | 'NOT_AUTHORIZED';

/**
 * An operation that is a single conditional write on the instance, without reading it first: the
 * cheapest kind (one write per item), for a change that needs nothing but the instance's state.
 */
export interface WriteOperation extends OperationDescriptorBase {
  readonly kind: 'write';
  /**
   * The command for a batch's item (with the batch's key and stored parameters), or for one instance
   * outside any batch.
   */
  command(now: string, item?: OperationItem): InstanceCommand;
  /** The engine's reason when the instance's state refused the command. */
  rejection(instance: ProcessInstance): string;
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
  /**
   * What the batch's creator may act on: an operation that brings an instance into another
   * definition (a migration's target) checks that one too, as the executor checks the instance's own.
   */
  readonly scope?: InstanceScope;
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
export interface StepOperation extends OperationDescriptorBase {
  readonly kind: 'step';
  decide(deps: EngineDeps, instance: ProcessInstance, context: OperationContext): Promise<OperationDecision>;
}

/**
 * A job operation's verdict on one job: refused (the item FAILS with `refused`), or the job as the
 * operation leaves it. The executor marks it with the batch key and commits it conditionally on the
 * job's revision, which makes the operation exactly-once per batch and job.
 */
export type JobDecision = { readonly refused: string } | { readonly job: Job };

/**
 * An operation whose items are jobs, not instances (UPDATE_JOB): the batch's filter is a JobFilter,
 * each item is a job (its key the item key, its instance the item's processInstanceKey), and `decide`
 * rules on the job as read.
 */
export interface JobOperation extends OperationDescriptorBase {
  readonly kind: 'job';
  decide(job: Job, context: OperationContext): JobDecision;
}

/**
 * One batch operation type, everything about it in its own file (functions/domain/operations/<type>.ts):
 * its name, creation route and body, creation-time checks, permission, how it changes an instance (or
 * a job) and the engine's reason when the item does not allow it. Adding an operation type is adding
 * that file and listing it in registry.ts (docs/adding-an-operation.md).
 */
export type OperationHandler = WriteOperation | StepOperation | JobOperation;

/** The instance as an operation leaves it, marked as changed by the batch (what makes it exactly-once). */
export function markedBy(instance: ProcessInstance, batchOperationKey: string): ProcessInstance {
  if (instance.batchOperationIds.includes(batchOperationKey)) return instance;
  return { ...instance, batchOperationIds: [...instance.batchOperationIds, batchOperationKey].sort() };
}
