import type { BatchOperation, BatchOperationType } from '../batch/batch-operation.ts';
import type { ProcessInstance, ProcessInstanceState } from '../instance/process-instance.ts';

/**
 * A change to one instance, written by the store in one conditional write: it applies only while the
 * instance is in one of `requiredStates` and has not been changed by the same batch before.
 */
export interface InstanceCommand {
  readonly requiredStates: readonly ProcessInstanceState[];
  readonly set: Partial<Pick<ProcessInstance, 'state' | 'endDate' | 'cancellation'>>;
}

/**
 * One batch operation type: the command it applies to an instance and the engine's reason when the
 * instance does not allow it. Adding an operation type is adding one handler file and a registry line.
 */
export interface OperationHandler {
  readonly type: BatchOperationType;
  /** The command for the batch's items; without a batch, for one instance outside any batch. */
  command(now: string, batch?: BatchOperation): InstanceCommand;
  rejection(instance: ProcessInstance): string;
  missing(processInstanceKey: string): string;
}
